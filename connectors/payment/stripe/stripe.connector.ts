import { isConnectorError } from '../../connector-error';
import { ConnectorErrorCode } from '../../connector-error-codes';
import type {
  AuthorizationInput,
  Page,
  Payment,
  PaymentConnector,
  PaymentOperation,
  TimeWindow,
  WriteOptions,
} from '../../spi';
import { isPayment, toPayment } from './mappers/to-payment';
import { toPaymentIntentParams } from './mappers/to-payment-intent-params';
import { conflict, notAuthorized, unexpectedResponse } from './stripe-errors';
import {
  authorizationInput,
  cursorInput,
  idempotencyKeyInput,
  parseInput,
  partialAmountInput,
  paymentIdInput,
  timeWindowInput,
} from './stripe-inputs';
import type { StripeClient } from './stripe.client';
import { stripeManifest } from './stripe.manifest';
import type { StripePaymentIntent, StripeRefund } from './stripe.schemas';
import type { StripeSettings } from './stripe.settings';

/** A payment with more refunds than this is not one a shop makes; stop rather than page forever. */
const MAX_REFUND_PAGES = 10;
/** Refund look-ups of one listPayments page run this many at a time. */
const REFUND_LOOKUP_CONCURRENCY = 4;

/** What a failed transition means once the payment's current state is known. */
type Recovery = { answer: 'current' } | { answer: 'conflict'; message: string } | { answer: 'rethrow' };

async function mapConcurrently<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const CAPTURED: ReadonlySet<Payment['status']> = new Set(['captured', 'partially_refunded', 'refunded']);

/**
 * Payments through Stripe PaymentIntents: authorize = create + confirm with manual capture,
 * capture, void = cancel, refund = a Refund of the intent. Every write carries the caller's
 * idempotency key, so a retried activity gets Stripe's stored answer instead of a second charge.
 * A transition the payment has already made (say, a capture retried after Stripe forgot the key,
 * 24 h later) answers with the payment as it is, like the sandbox vendor; a transition its state
 * forbids is a CONFLICT.
 */
export class StripePaymentConnector implements PaymentConnector {
  readonly kind = 'payment';
  readonly vendor = stripeManifest.vendor;
  readonly unsupported: readonly PaymentOperation[] = [];

  constructor(
    readonly name: string,
    private readonly client: StripeClient,
    private readonly settings: StripeSettings,
  ) {}

  async authorize(input: AuthorizationInput, options: WriteOptions): Promise<Payment> {
    const authorization = parseInput(authorizationInput, input, this.name);
    const key = parseInput(idempotencyKeyInput, options.idempotencyKey, this.name, 'idempotencyKey');
    const intent = await this.client.createPaymentIntent(toPaymentIntentParams(authorization), key);
    return this.paymentOf(intent);
  }

  /** Captures `amount` (null: all of it); Stripe releases the rest of the authorization. */
  async capture(paymentId: string, amount: number | null, options: WriteOptions): Promise<Payment> {
    const id = parseInput(paymentIdInput, paymentId, this.name, 'paymentId');
    const requested = parseInput(partialAmountInput, amount, this.name, 'amount');
    const key = parseInput(idempotencyKeyInput, options.idempotencyKey, this.name, 'idempotencyKey');
    try {
      return await this.paymentOf(
        await this.client.capturePaymentIntent(id, { amount_to_capture: requested ?? undefined }, key),
      );
    } catch (error) {
      return this.recover(error, id, (payment) => {
        if (CAPTURED.has(payment.status)) return { answer: 'current' };
        if (payment.status === 'voided')
          return { answer: 'conflict', message: `Payment ${id} was voided and cannot be captured` };
        return { answer: 'rethrow' };
      });
    }
  }

  async voidAuthorization(paymentId: string, options: WriteOptions): Promise<Payment> {
    const id = parseInput(paymentIdInput, paymentId, this.name, 'paymentId');
    const key = parseInput(idempotencyKeyInput, options.idempotencyKey, this.name, 'idempotencyKey');
    try {
      return await this.paymentOf(await this.client.cancelPaymentIntent(id, key));
    } catch (error) {
      return this.recover(error, id, (payment) => {
        if (payment.status === 'voided') return { answer: 'current' };
        if (CAPTURED.has(payment.status))
          return { answer: 'conflict', message: `Payment ${id} is ${payment.status}; refund it instead` };
        return { answer: 'rethrow' };
      });
    }
  }

  /** Refunds `amount` (null: whatever is left) of a captured payment. */
  async refund(paymentId: string, amount: number | null, options: WriteOptions): Promise<Payment> {
    const id = parseInput(paymentIdInput, paymentId, this.name, 'paymentId');
    const requested = parseInput(partialAmountInput, amount, this.name, 'amount');
    const key = parseInput(idempotencyKeyInput, options.idempotencyKey, this.name, 'idempotencyKey');
    let created: StripeRefund;
    try {
      created = await this.client.createRefund({ payment_intent: id, amount: requested ?? undefined }, key);
    } catch (error) {
      return this.recover(error, id, (payment) => {
        if (payment.status === 'refunded' && requested === null) return { answer: 'current' };
        if (!CAPTURED.has(payment.status))
          return {
            answer: 'conflict',
            message: `Payment ${id} is ${payment.status}; only captured payments can be refunded`,
          };
        return { answer: 'rethrow' };
      });
    }
    const [intent, refunds] = await Promise.all([this.client.retrievePaymentIntent(id), this.refundsOf(id)]);
    // A list read right after the write may not show the new refund yet.
    const all = refunds.some((refund) => refund.id === created.id) ? refunds : [...refunds, created];
    return this.paymentOf(intent, all);
  }

  /**
   * Payment intents created in the window, newest first (Stripe's order), `settings.pageSize` per
   * page; intents that never became a payment (abandoned checkouts) are left out. Stripe stores
   * `created` in whole seconds, so the window is widened to whole seconds: a sub-second boundary
   * may list a payment in two adjacent windows, never in none.
   */
  async listPayments(window: TimeWindow, cursor: string | null): Promise<Page<Payment>> {
    const { from, to } = parseInput(timeWindowInput, window, this.name, 'window');
    const startingAfter = parseInput(cursorInput, cursor, this.name, 'cursor');
    const page = await this.client.listPaymentIntents({
      created: { gte: Math.floor(Date.parse(from) / 1000), lt: Math.ceil(Date.parse(to) / 1000) },
      limit: this.settings.pageSize,
      ...(startingAfter !== null ? { startingAfter } : {}),
    });
    const payments = page.data.filter(isPayment);
    const items = await mapConcurrently(payments, REFUND_LOOKUP_CONCURRENCY, (intent) => this.paymentOf(intent));
    const last = page.data.at(-1);
    return { items, nextCursor: page.has_more && last ? last.id : null };
  }

  /** A one-item list: proves the base URL, the key and its read access to PaymentIntents. */
  close(): Promise<void> {
    return this.client.close();
  }

  async healthCheck(): Promise<void> {
    await this.client.listPaymentIntents({ limit: 1 });
  }

  /** The Payment of an intent, looking up its refunds when it is captured. */
  private async paymentOf(intent: StripePaymentIntent, refunds?: readonly StripeRefund[]): Promise<Payment> {
    const known = intent.status === 'succeeded' ? (refunds ?? (await this.refundsOf(intent.id))) : [];
    const payment = toPayment(intent, known);
    if (!payment) throw notAuthorized(this.name, intent);
    return payment;
  }

  /**
   * Every refund of an intent. Pages until has_more is false; a page that brings no new refund
   * ends the walk too (a cursor that does not advance would otherwise loop).
   */
  private async refundsOf(paymentIntent: string): Promise<StripeRefund[]> {
    const byId = new Map<string, StripeRefund>();
    let startingAfter: string | undefined;
    for (let pages = 0; pages < MAX_REFUND_PAGES; pages++) {
      const page = await this.client.listRefunds({
        paymentIntent,
        limit: stripeManifest.paging.maxLimit,
        ...(startingAfter ? { startingAfter } : {}),
      });
      const before = byId.size;
      for (const refund of page.data) byId.set(refund.id, refund);
      if (!page.has_more || byId.size === before) return [...byId.values()];
      startingAfter = page.data.at(-1)?.id;
    }
    throw unexpectedResponse(
      this.name,
      `GET /v1/refunds`,
      `more than ${MAX_REFUND_PAGES * stripeManifest.paging.maxLimit} refunds for ${paymentIntent}`,
    );
  }

  /**
   * After a refused transition (Stripe's 400 for an unexpected state), look at the payment: if it
   * already is where the call wanted it, answer with it; if its state forbids the call, CONFLICT.
   */
  private async recover(error: unknown, id: string, decide: (payment: Payment) => Recovery): Promise<Payment> {
    if (!isConnectorError(error) || error.code !== ConnectorErrorCode.InvalidRequest || error.status !== 400)
      throw error;
    const intent = await this.client.retrievePaymentIntent(id);
    const payment = toPayment(intent, intent.status === 'succeeded' ? await this.refundsOf(id) : []);
    if (!payment) throw error;
    const recovery = decide(payment);
    if (recovery.answer === 'current') return payment;
    if (recovery.answer === 'conflict') throw conflict(this.name, recovery.message);
    throw error;
  }
}
