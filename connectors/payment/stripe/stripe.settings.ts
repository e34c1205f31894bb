import { z } from 'zod';
import { stripeManifest } from './stripe.manifest';
import { resilienceSettingsShape } from '../../http/resilience-settings';

/** Settings of a `payment/stripe` instance (connectors.yaml or the API). */
export const stripeSettingsSchema = z.object({
  /** Rate limit and circuit breaker of this instance's HTTP client (connectors/http/resilience-settings.ts). */
  ...resilienceSettingsShape,
  /** Default https://api.stripe.com; tests point it at a fake or at Prism. */
  baseUrl: z.url({ protocol: /^https?$/ }).default(stripeManifest.baseUrl),
  /** Whole-request timeout (default 30 s): shorter than the activity's start-to-close timeout. */
  timeoutMs: z.number().int().positive().max(120_000).default(30_000),
  /** Payment intents per listPayments page (default 100, Stripe's maximum). */
  pageSize: z.number().int().min(1).max(stripeManifest.paging.maxLimit).default(100),
});
export type StripeSettings = z.infer<typeof stripeSettingsSchema>;

/** Stored encrypted, never logged, never returned by the API. */
export const stripeCredentialsSchema = z.object({
  /** sk_live_…, sk_test_… or a restricted key rk_…. */
  secretKey: z.string().min(1),
});
export type StripeCredentials = z.infer<typeof stripeCredentialsSchema>;
