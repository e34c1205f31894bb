import type { AuthorizationInput, ConnectorResolver, Payment } from '../connectors/spi';
import { callConnector } from './connector-failure';

interface PaymentRef {
  connector: string;
  paymentId: string;
  idempotencyKey: string;
}

export function createPaymentActivities(connectors: ConnectorResolver) {
  return {
    async authorizePayment({
      connector,
      authorization,
      idempotencyKey,
    }: {
      connector: string;
      authorization: AuthorizationInput;
      idempotencyKey: string;
    }): Promise<Payment> {
      const payments = connectors.resolve('payment', connector);
      return callConnector(() => payments.authorize(authorization, { idempotencyKey }));
    },

    async capturePayment({ connector, paymentId, idempotencyKey }: PaymentRef): Promise<Payment> {
      const payments = connectors.resolve('payment', connector);
      return callConnector(() => payments.capture(paymentId, null, { idempotencyKey }));
    },

    async voidPayment({ connector, paymentId, idempotencyKey }: PaymentRef): Promise<Payment> {
      const payments = connectors.resolve('payment', connector);
      return callConnector(() => payments.voidAuthorization(paymentId, { idempotencyKey }));
    },

    async refundPayment({ connector, paymentId, idempotencyKey }: PaymentRef): Promise<Payment> {
      const payments = connectors.resolve('payment', connector);
      return callConnector(() => payments.refund(paymentId, null, { idempotencyKey }));
    },
  };
}
