import type { ConnectorResolver } from '../connectors/spi';
import { callConnector } from './connector-failure';
import { orderConfirmationEmail, orderFailedEmail, type OrderEmailFacts } from './email-templates/order-emails';

export type OrderEmail =
  { kind: 'confirmation'; facts: OrderEmailFacts } | { kind: 'failure'; facts: OrderEmailFacts & { reason: string } };

export function createEmailActivities(connectors: ConnectorResolver) {
  return {
    /** Renders the order email here, not in the workflow, so templates can change without replay risk. */
    async sendOrderEmail({
      connector,
      email,
      idempotencyKey,
    }: {
      connector: string;
      email: OrderEmail;
      idempotencyKey: string;
    }): Promise<{ messageId: string }> {
      const mailer = connectors.resolve('email', connector);
      const message =
        email.kind === 'confirmation' ? orderConfirmationEmail(email.facts) : orderFailedEmail(email.facts);
      return callConnector(() => mailer.send(message, { idempotencyKey }));
    },
  };
}
