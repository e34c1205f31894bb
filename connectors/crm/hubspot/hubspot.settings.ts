import { z } from 'zod';
import { hubspotManifest } from './hubspot.manifest';
import { resilienceSettingsShape } from '../../http/resilience-settings';
import { authSettingsSchema } from '../../http/auth/auth-from-settings';

const propertyName = z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a HubSpot internal property name');

/** Settings of a `crm/hubspot` instance (connectors.yaml or the API); none is secret. */
export const hubspotSettingsSchema = z.object({
  /** Rate limit and circuit breaker of this instance's HTTP client (connectors/http/resilience-settings.ts). */
  ...resilienceSettingsShape,
  /** Default https://api.hubapi.com; tests point it at a fake. */
  baseUrl: z.url({ protocol: /^https?$/ }).default(hubspotManifest.baseUrl),
  /** Whole-request timeout (default 30 s). */
  timeoutMs: z.number().int().positive().max(120_000).default(30_000),
  /**
   * A custom single-line text property with "unique values" on deals and companies (create it
   * once per portal). Writes store their idempotency key in it and read it back by
   * `?idProperty=` before writing: a direct read, so unlike search it never lags a write.
   */
  idempotencyProperty: propertyName.default('junction_idempotency_key'),
  /** Internal ids of the pipeline and stage new deals start in (defaults: HubSpot's default pipeline). */
  dealPipeline: z.string().min(1).default('default'),
  dealStage: z.string().min(1).default('appointmentscheduled'),
});
export type HubSpotSettings = z.infer<typeof hubspotSettingsSchema>;

/**
 * A private app's access token, or a public app's OAuth2 refresh-token flow (token URL
 * https://api.hubapi.com/oauth/v1/token). Stored encrypted, never logged, never returned by the API.
 */
export const hubspotCredentialsSchema = z.union([
  z.object({ accessToken: z.string().min(1) }).strict(),
  authSettingsSchema.refine((auth) => auth.type === 'oauth2RefreshToken', {
    message: 'HubSpot public apps use type oauth2RefreshToken',
    path: ['type'],
  }),
]);
export type HubSpotCredentials = z.infer<typeof hubspotCredentialsSchema>;
