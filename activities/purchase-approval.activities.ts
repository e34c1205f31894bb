import type { ConnectorResolver, PurchaseOrder, PurchaseOrderInput } from '../connectors/spi';
import { callConnector } from './connector-failure';
import { renderPurchaseEmail, type PurchaseEmail } from './email-templates/purchase-emails';

export type { PurchaseEmail, PurchaseFacts } from './email-templates/purchase-emails';

export function createPurchaseApprovalActivities(connectors: ConnectorResolver) {
  return {
    /** The ERP answers a repeated externalReference with the order it already has, so a retry never orders twice. */
    async createPurchaseOrder({
      connector,
      order,
      idempotencyKey,
    }: {
      connector: string;
      order: PurchaseOrderInput;
      idempotencyKey: string;
    }): Promise<PurchaseOrder> {
      const erp = connectors.resolve('erp', connector);
      return callConnector(() => erp.createPurchaseOrder(order, { idempotencyKey }));
    },

    async sendPurchaseEmail({
      connector,
      email,
      idempotencyKey,
    }: {
      connector: string;
      email: PurchaseEmail;
      idempotencyKey: string;
    }): Promise<{ messageId: string }> {
      const mailer = connectors.resolve('email', connector);
      return callConnector(() => mailer.send(renderPurchaseEmail(email), { idempotencyKey }));
    },
  };
}
