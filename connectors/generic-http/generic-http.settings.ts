/**
 * Settings and credentials of an `http/http` instance (a flow's `call: http` target). The settings
 * say where and how (base URL, which auth scheme, the token URL of OAuth2); they are shown by the
 * API and may sit in connectors.yaml. The secrets of the scheme live apart, in the credentials
 * (the vault, or `${ENV}` references in connectors.yaml), and never in a flow.
 *
 * `baseUrl` and `auth.tokenUrl` are URLs, so they are the instance's destinations
 * (connectors/registry/destination-rules.ts): changing one through the API needs the credentials again.
 */
import { z } from 'zod';
import { resilienceSettingsShape } from '../http/resilience-settings';

/** An HTTP header name (RFC 9110 token). */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Largest response body the connector accepts by default (1 MiB); at most MAX_RESPONSE_BYTES. */
export const DEFAULT_RESPONSE_BYTES = 1024 * 1024;
/** A flow's response lands in a workflow history: more than this does not belong there. */
export const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

const httpUrl = z.url({ protocol: /^https?$/ });

/** How requests authenticate; the secrets each scheme needs are in httpCredentialsSchema. */
export const httpAuthSettingsSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  /** `Authorization: Bearer <credentials.token>`. */
  z.strictObject({ type: z.literal('bearer') }),
  /** `Authorization: Basic …` of credentials.username and credentials.password. */
  z.strictObject({ type: z.literal('basic') }),
  /** credentials.key in the named header, e.g. `X-API-Key`. */
  z.strictObject({ type: z.literal('apiKey'), header: z.string().regex(HEADER_NAME, 'must be an HTTP header name') }),
  /** RFC 6749 §4.4 with credentials.clientId and credentials.clientSecret; the token is cached and renewed. */
  z.strictObject({
    type: z.literal('oauth2ClientCredentials'),
    tokenUrl: httpUrl,
    scope: z.string().min(1).optional(),
    audience: z.string().min(1).optional(),
    /** 'post' (default): client id and secret in the form; 'basic': as HTTP Basic. */
    clientAuth: z.enum(['post', 'basic']).optional(),
  }),
]);
export type HttpAuthSettings = z.infer<typeof httpAuthSettingsSchema>;

export const httpSettingsSchema = z.object({
  /** Rate limit and circuit breaker of this instance's HTTP client (connectors/http/resilience-settings.ts). */
  ...resilienceSettingsShape,
  /** Every request path is appended to it: `https://billing.example/api/v2` + `/invoices`. */
  baseUrl: httpUrl.transform((url) => url.replace(/\/+$/, '')),
  auth: httpAuthSettingsSchema.default({ type: 'none' }),
  /** Whole-request timeout (default 30 s). */
  timeoutMs: z.number().int().positive().max(120_000).default(30_000),
  /** Largest response body accepted; a larger one fails the call, non-retryably. */
  maxResponseBytes: z.number().int().min(1024).max(MAX_RESPONSE_BYTES).default(DEFAULT_RESPONSE_BYTES),
  /**
   * What POST /v1/connectors/:name/test calls (a GET or HEAD relative to baseUrl, answered 2xx).
   * Absent: the test only obtains the credentials (an OAuth2 token), without a call to the API.
   */
  healthCheck: z
    .strictObject({ method: z.enum(['GET', 'HEAD']).default('GET'), path: z.string().min(1).max(2000) })
    .optional(),
});
export type HttpSettings = z.infer<typeof httpSettingsSchema>;

/**
 * Write-only secrets, one shape per auth scheme (flat, so connectors.yaml can give each as an
 * `${ENV}` reference). Which one an instance needs follows from settings.auth.type.
 */
export const httpCredentialsSchema = z
  .union([
    z.strictObject({ token: z.string().min(1) }),
    z.strictObject({ username: z.string().min(1), password: z.string().min(1) }),
    z.strictObject({ key: z.string().min(1) }),
    z.strictObject({ clientId: z.string().min(1), clientSecret: z.string().min(1) }),
  ])
  .optional();
export type HttpCredentials = z.infer<typeof httpCredentialsSchema>;

/** Production sends credentials over TLS only. */
export function httpSettingsProblems(
  settings: Record<string, unknown>,
  context: { production: boolean },
): { path: (string | number)[]; message: string }[] {
  if (!context.production) return [];
  const parsed = httpSettingsSchema.safeParse(settings);
  if (!parsed.success || parsed.data.auth.type === 'none') return [];
  const problems: { path: (string | number)[]; message: string }[] = [];
  if (!parsed.data.baseUrl.startsWith('https:'))
    problems.push({ path: ['settings', 'baseUrl'], message: 'must be https:// when the instance sends credentials' });
  if (parsed.data.auth.type === 'oauth2ClientCredentials' && !parsed.data.auth.tokenUrl.startsWith('https:'))
    problems.push({ path: ['settings', 'auth', 'tokenUrl'], message: 'must be https:// in production' });
  return problems;
}
