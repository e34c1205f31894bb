/**
 * Stripe as data: how it authenticates, where it lives, how it pages and how it
 * signals rate limits. Facts from https://stripe.com/docs/api and the 2023-08-16 OpenAPI spec in
 * ../shared/vendor-specs/stripe (the version the connector pins with `Stripe-Version`).
 */
export const stripeManifest = {
  kind: 'payment',
  vendor: 'stripe',
  auth: {
    mode: 'bearer',
    credential: 'secretKey',
    description:
      'A secret key (sk_live_… / sk_test_…) or a restricted key with PaymentIntents and Refunds write access',
  },
  baseUrl: 'https://api.stripe.com',
  /** Where a secret key may be sent (connectors/registry/destination-rules.ts); an egress proxy is the operator's to allow. */
  hosts: ['api.stripe.com'],
  /** Pinned so that response shapes match the zod schemas in stripe.schemas.ts. */
  apiVersion: { header: 'Stripe-Version', value: '2023-08-16' },
  /** Request bodies are form-encoded with bracket notation (`metadata[reference]=…`); responses are JSON. */
  requestEncoding: 'application/x-www-form-urlencoded',
  /** Sent on every write; Stripe replays the first response for 24 h (same key, same parameters). */
  idempotency: { header: 'Idempotency-Key', maxLength: 255 },
  /** Lists are newest first; the next page starts after the last id of this one. */
  paging: {
    style: 'cursor',
    cursorParam: 'starting_after',
    hasMoreField: 'has_more',
    limitParam: 'limit',
    maxLimit: 100,
  },
  /** Stripe answers 429 (rate limit or lock timeout); it may name a wait and says whether a retry is safe. */
  rateLimit: { status: 429, retryAfterHeader: 'Retry-After', shouldRetryHeader: 'Stripe-Should-Retry' },
} as const;
