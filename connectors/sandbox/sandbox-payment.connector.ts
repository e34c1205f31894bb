import type { Transaction } from 'sequelize';
import type {
  AuthorizationInput,
  Page,
  Payment,
  PaymentConnector,
  PaymentOperation,
  TimeWindow,
  WriteOptions,
} from '../spi';
import { paymentResult, payments, type DataOf } from './sandbox-collections';
import { SandboxConnectorBase } from './sandbox-connector-base';
import { decodeCursor, encodeCursor } from './sandbox-cursor';
import { conflict, invalidRequest, notFound, paymentDeclined } from './sandbox-errors';
import { authorizationInput, parseInput, partialAmount, timeWindowInput } from '../inputs';
import type { SandboxDoc } from './sandbox-store';

type PaymentData = DataOf<typeof payments>;

/** Tokens starting with this are declined at authorization, like Stripe's test cards. */
export const DECLINED_TOKEN_PREFIX = 'tok_declined';

function toPayment(doc: SandboxDoc<PaymentData>): Payment {
  const { status, amount, capturedAmount, refundedAmount, reference } = doc.data;
  return {
    id: doc.id,
    status,
    amount,
    capturedAmount,
    refundedAmount,
    reference,
    createdAt: doc.createdAt.toISOString(),
  };
}

const CAPTURED_STATES: ReadonlySet<Payment['status']> = new Set(['captured', 'partially_refunded', 'refunded']);

/**
 * The sandbox payment vendor: authorize → capture → refund, or authorize → void. Repeating a
 * transition the payment has already made answers with the payment as it is (idempotent by
 * state); a transition the state forbids is a CONFLICT.
 */
export class SandboxPaymentConnector extends SandboxConnectorBase<'payment'> implements PaymentConnector {
  readonly kind = 'payment';
  readonly unsupported: readonly PaymentOperation[] = [];

  async authorize(input: AuthorizationInput, options: WriteOptions): Promise<Payment> {
    const authorization = parseInput(authorizationInput, input, this.name);
    return this.write('authorize', options, paymentResult, async (tx) => {
      if (authorization.paymentMethodToken.startsWith(DECLINED_TOKEN_PREFIX)) throw paymentDeclined(this.name);
      const data: PaymentData = {
        status: 'authorized',
        amount: authorization.amount,
        capturedAmount: 0,
        refundedAmount: 0,
        reference: authorization.customerReference,
        ...(authorization.description !== undefined ? { description: authorization.description } : {}),
      };
      return toPayment(await this.store.insert(payments, { idempotencyKey: options.idempotencyKey, data }, tx));
    });
  }

  /** Captures `amount` (null: all of it); the rest of the authorization is released. */
  async capture(paymentId: string, amount: number | null, options: WriteOptions): Promise<Payment> {
    const requested = parseInput(partialAmount, amount, this.name);
    return this.write('capture', options, paymentResult, async (tx) => {
      const payment = await this.load(paymentId, tx);
      if (CAPTURED_STATES.has(payment.data.status)) return toPayment(payment);
      if (payment.data.status === 'voided')
        throw conflict(this.name, `Payment ${paymentId} was voided and cannot be captured`);
      const capturedAmount = requested ?? payment.data.amount.amount;
      if (capturedAmount > payment.data.amount.amount)
        throw invalidRequest(this.name, `amount exceeds the authorized ${payment.data.amount.amount}`);
      return toPayment(
        await this.store.replace(payments, payment, { ...payment.data, status: 'captured', capturedAmount }, tx),
      );
    });
  }

  async voidAuthorization(paymentId: string, options: WriteOptions): Promise<Payment> {
    return this.write('voidAuthorization', options, paymentResult, async (tx) => {
      const payment = await this.load(paymentId, tx);
      if (payment.data.status === 'voided') return toPayment(payment);
      if (payment.data.status !== 'authorized')
        throw conflict(this.name, `Payment ${paymentId} is ${payment.data.status}; refund it instead`);
      return toPayment(await this.store.replace(payments, payment, { ...payment.data, status: 'voided' }, tx));
    });
  }

  /** Refunds `amount` (null: whatever is left) of a captured payment. */
  async refund(paymentId: string, amount: number | null, options: WriteOptions): Promise<Payment> {
    const requested = parseInput(partialAmount, amount, this.name);
    return this.write('refund', options, paymentResult, async (tx) => {
      const payment = await this.load(paymentId, tx);
      if (!CAPTURED_STATES.has(payment.data.status))
        throw conflict(
          this.name,
          `Payment ${paymentId} is ${payment.data.status}; only captured payments can be refunded`,
        );
      const refundable = payment.data.capturedAmount - payment.data.refundedAmount;
      if (refundable === 0 && requested === null) return toPayment(payment);
      if (refundable === 0) throw conflict(this.name, `Payment ${paymentId} is already fully refunded`);
      const refunding = requested ?? refundable;
      if (refunding > refundable) throw invalidRequest(this.name, `amount exceeds the refundable ${refundable}`);
      const refundedAmount = payment.data.refundedAmount + refunding;
      const status = refundedAmount === payment.data.capturedAmount ? 'refunded' : 'partially_refunded';
      return toPayment(await this.store.replace(payments, payment, { ...payment.data, status, refundedAmount }, tx));
    });
  }

  /** Payments created in the window, oldest first, `settings.pageSize` per page. */
  async listPayments(window: TimeWindow, cursor: string | null): Promise<Page<Payment>> {
    const { from, to } = parseInput(timeWindowInput, window, this.name);
    const after = decodeCursor(cursor, this.name);
    return this.call('listPayments', async () => {
      const { docs, next } = await this.store.page(payments, {
        orderBy: 'createdAt',
        window: { from: new Date(from), to: new Date(to) },
        after,
        limit: this.settings.pageSize,
      });
      return { items: docs.map(toPayment), nextCursor: next ? encodeCursor(next) : null };
    });
  }

  private async load(paymentId: string, tx: Transaction): Promise<SandboxDoc<PaymentData>> {
    const payment = await this.store.get(payments, paymentId, tx);
    if (!payment) throw notFound(this.name, 'payment', paymentId);
    return payment;
  }
}
