/**
 * Raw Stripe payloads (API version 2023-08-16), as the OpenAPI spec in
 * ../shared/vendor-specs/stripe/stripe-payments.slim.json describes them: the fields the connector
 * reads plus the ones the spec requires. Vendor types stop at mappers/to-payment.ts.
 */
import { z } from 'zod';

/** Stripe's ids and short strings are `maxLength: 5000` in the spec. */
const id = z.string().min(1).max(5000);
const unixTime = z.number().int();

export const paymentIntentStatusSchema = z.enum([
  'canceled',
  'processing',
  'requires_action',
  'requires_capture',
  'requires_confirmation',
  'requires_payment_method',
  'succeeded',
]);

/** `#/components/schemas/api_errors`, the `error` member of an error response. */
export const stripeApiErrorSchema = z.object({
  type: z.enum(['api_error', 'card_error', 'idempotency_error', 'invalid_request_error']),
  code: z.string().max(5000).optional(),
  decline_code: z.string().max(5000).optional(),
  message: z.string().max(40_000).optional(),
  param: z.string().max(5000).optional(),
  doc_url: z.string().max(5000).optional(),
});

/** `#/components/schemas/error`: every non-2xx answer. */
export const stripeErrorBodySchema = z.object({ error: stripeApiErrorSchema });
export type StripeErrorBody = z.infer<typeof stripeErrorBodySchema>;

/** `#/components/schemas/payment_intent`. */
export const stripePaymentIntentSchema = z.object({
  id,
  object: z.literal('payment_intent'),
  amount: z.number().int(),
  /** Not in the spec's `required` list, although Stripe always sends them. */
  amount_capturable: z.number().int().optional(),
  amount_received: z.number().int().optional(),
  capture_method: z.enum(['automatic', 'automatic_async', 'manual']),
  confirmation_method: z.enum(['automatic', 'manual']),
  created: unixTime,
  currency: z.string(),
  description: z.string().max(5000).nullable().optional(),
  livemode: z.boolean(),
  metadata: z.record(z.string(), z.string().max(500)).optional(),
  payment_method_types: z.array(z.string().max(5000)),
  status: paymentIntentStatusSchema,
  cancellation_reason: z
    .enum([
      'abandoned',
      'automatic',
      'duplicate',
      'failed_invoice',
      'fraudulent',
      'requested_by_customer',
      'void_invoice',
    ])
    .nullable()
    .optional(),
  last_payment_error: stripeApiErrorSchema.nullable().optional(),
});
export type StripePaymentIntent = z.infer<typeof stripePaymentIntentSchema>;

/** `#/components/schemas/refund`. `status` is a free string in the spec (pending, succeeded, failed, canceled, requires_action). */
export const stripeRefundSchema = z.object({
  id,
  object: z.literal('refund'),
  amount: z.number().int(),
  created: unixTime,
  currency: z.string(),
  payment_intent: z.string().max(5000).nullable().optional(),
  status: z.string().max(5000).nullable().optional(),
});
export type StripeRefund = z.infer<typeof stripeRefundSchema>;

/**
 * The list envelope of GET /v1/payment_intents and GET /v1/refunds. The spec gives `url` a
 * pattern (`^/v1/payment_intents`), which Prism's generated examples do not honour (they send
 * "string"); the connector never reads `url`, so only its type is checked.
 */
export function stripeListSchema<T extends z.ZodType>(item: T) {
  return z.object({
    object: z.literal('list'),
    data: z.array(item),
    has_more: z.boolean(),
    url: z.string().max(5000),
  });
}
export const stripePaymentIntentListSchema = stripeListSchema(stripePaymentIntentSchema);
export const stripeRefundListSchema = stripeListSchema(stripeRefundSchema);
export type StripeList<T> = { object: 'list'; data: T[]; has_more: boolean; url: string };
