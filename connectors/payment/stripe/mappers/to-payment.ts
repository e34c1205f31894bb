/**
 * Stripe PaymentIntent (+ its refunds) → Junction's Payment. Stripe keeps refunds apart from
 * the intent (on the charge), so the caller passes the intent's refunds when it is captured.
 */
import type { Payment } from '../../../spi';
import type { StripePaymentIntent, StripeRefund } from '../stripe.schemas';
import { REFERENCE_METADATA_KEY } from './to-payment-intent-params';

/** Refunds that hold money back from the customer's card are counted; failed and canceled ones are not. */
const VOID_REFUND_STATES: ReadonlySet<string> = new Set(['failed', 'canceled']);

export function refundedAmountOf(refunds: readonly StripeRefund[]): number {
  return refunds
    .filter((refund) => !VOID_REFUND_STATES.has(refund.status ?? ''))
    .reduce((sum, refund) => sum + refund.amount, 0);
}

/** Intents in these states hold or held money; the others are checkouts in progress, not payments yet. */
export function isPayment(intent: StripePaymentIntent): boolean {
  return intent.status === 'requires_capture' || intent.status === 'succeeded' || intent.status === 'canceled';
}

/** The Payment of an intent, or undefined while it is no payment yet (requires_action, processing …). */
export function toPayment(intent: StripePaymentIntent, refunds: readonly StripeRefund[] = []): Payment | undefined {
  if (!isPayment(intent)) return undefined;
  const capturedAmount = intent.status === 'succeeded' ? (intent.amount_received ?? intent.amount) : 0;
  const refundedAmount = intent.status === 'succeeded' ? refundedAmountOf(refunds) : 0;
  return {
    id: intent.id,
    status: statusOf(intent, capturedAmount, refundedAmount),
    amount: { amount: intent.amount, currency: intent.currency.toUpperCase() },
    capturedAmount,
    refundedAmount,
    reference: intent.metadata?.[REFERENCE_METADATA_KEY] ?? '',
    createdAt: new Date(intent.created * 1000).toISOString(),
  };
}

function statusOf(intent: StripePaymentIntent, capturedAmount: number, refundedAmount: number): Payment['status'] {
  if (intent.status === 'requires_capture') return 'authorized';
  if (intent.status === 'canceled') return 'voided';
  if (refundedAmount === 0) return 'captured';
  return refundedAmount >= capturedAmount ? 'refunded' : 'partially_refunded';
}
