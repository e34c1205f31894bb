/**
 * What callers hand the Stripe connector, checked before anything is sent: a bad input is a
 * non-retryable INVALID_REQUEST naming the field. Limits are Stripe's (ids ≤ 5000, metadata
 * values ≤ 500, description ≤ 1000, idempotency keys ≤ 255 characters).
 */
import { z } from 'zod';
import { invalidInput } from './stripe-errors';

const currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO-4217 code in upper case');
const stripeId = z.string().trim().min(1).max(5000);

export const authorizationInput = z.object({
  amount: z.object({ amount: z.number().int().positive(), currency }),
  paymentMethodToken: stripeId,
  customerReference: z.string().trim().min(1).max(500),
  description: z.string().max(1000).optional(),
});
export const paymentIdInput = stripeId;
/** null means "the whole amount": all of the authorization, or all that is left to refund. */
export const partialAmountInput = z.number().int().positive().nullable();
export const idempotencyKeyInput = z.string().min(1).max(255);
export const cursorInput = stripeId.nullable();
export const timeWindowInput = z
  .object({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) })
  .refine((w) => Date.parse(w.from) <= Date.parse(w.to), 'from must not be after to');

/** Parses or throws INVALID_REQUEST with the first problem, e.g. `amount.currency: must be …`. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  connector: string,
  field?: string,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = [...(field ? [field] : []), ...(issue?.path ?? [])].join('.');
  throw invalidInput(connector, `${path ? `${path}: ` : ''}${issue?.message ?? 'invalid input'}`);
}
