import { z } from 'zod';
import { allowListProblems } from '../connectors/egress/allow-list';

const port = z.coerce.number().int().min(0).max(65535);
/** A browser origin: scheme, host and optional port, nothing after. */
const ORIGIN = /^https?:\/\/[^/\s?#]+$/;
/** An Express `trust proxy` entry: a hop count, an IPv4/IPv6 address or subnet, or a named range. */
const PROXY_ENTRY = /^(\d+|[0-9A-Fa-f.:]+(\/\d{1,3})?|loopback|linklocal|uniquelocal)$/;
const optionalUrl = (protocols: readonly string[]) =>
  z
    .string()
    .url()
    .refine((value) => protocols.some((p) => value.startsWith(`${p}:`)), {
      message: `must start with one of: ${protocols.map((p) => `${p}://`).join(', ')}`,
    });

const commaList = z.string().transform((value) =>
  value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== ''),
);

/** Algorithms an OIDC token may be signed with (OIDC_ALLOWED_ALGS, all of them by default). */
export const OIDC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

/**
 * Every environment variable Junction reads. Defaults are safe for a local machine;
 * secrets (TEMPORAL_API_KEY, JUNCTION_MASTER_KEY) have none on purpose.
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: port.default(3000),
  /** Unset means "local": `npm start` runs a dev server and points the roles at it. */
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^\s:]+:\d+$/, 'must be host:port, e.g. 127.0.0.1:7233')
    .optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('junction'),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_UI_PORT: port.default(8233),
  /** Encrypt workflow payloads with a key derived from JUNCTION_MASTER_KEY (server/temporal/payload-codec.ts). */
  TEMPORAL_PAYLOAD_ENCRYPTION: z.enum(['off', 'on']).default('off'),
  /** The Temporal Web UI's origin: the only one allowed (CORS) to call the codec endpoint /codec/decode. */
  TEMPORAL_UI_ORIGIN: z
    .string()
    .regex(ORIGIN, 'must be scheme://host[:port] with no path, e.g. http://127.0.0.1:8233')
    .default('http://127.0.0.1:8233'),
  DATABASE_URL: optionalUrl(['mysql', 'mariadb']).default('mysql://root@127.0.0.1:3306/junction'),
  REDIS_URL: optionalUrl(['redis', 'rediss']).default('redis://127.0.0.1:6379'),
  JUNCTION_MASTER_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Keys the vault may still decrypt with, comma-separated, while `npm run vault -- rotate` moves records off them. */
  JUNCTION_PREVIOUS_MASTER_KEYS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((key) => key.trim())
        .filter((key) => key !== ''),
    )
    .pipe(z.array(z.string().min(32, 'each key must be at least 32 characters')))
    .optional(),
  /** Connector instances, plugins and step defaults (default config/connectors.yaml, optional there). */
  CONNECTORS_FILE: z.string().min(1).optional(),
  /** Schedules created or updated at start-up by the API role (default config/schedules.yaml, optional there). */
  SCHEDULES_FILE: z.string().min(1).optional(),
  /** Webhook sources of POST /v1/events/:source (default config/event-sources.yaml, optional there). */
  EVENT_SOURCES_FILE: z.string().min(1).optional(),
  /** Delivery attempts (Temporal calls) per event before it becomes a dead letter. */
  INTAKE_MAX_ATTEMPTS: z.coerce.number().int('must be a whole number').min(1).max(1000).default(10),
  /** First retry delay of a failed delivery; each retry doubles it (full jitter), up to INTAKE_RETRY_MAX_MS. */
  INTAKE_RETRY_BASE_MS: z.coerce.number().int().min(10, 'must be at least 10 ms').max(3_600_000).default(1_000),
  INTAKE_RETRY_MAX_MS: z.coerce.number().int().min(10, 'must be at least 10 ms').max(86_400_000).default(300_000),
  /** Pending events (accepted, not yet delivered) past which POST /v1/events answers 429 with Retry-After. */
  INTAKE_BACKLOG_LIMIT: z.coerce.number().int('must be a whole number').min(1).max(100_000_000).default(100_000),
  /** A pending event this long overdue is re-enqueued by the sweeper (it was lost from Redis or by a crash). */
  INTAKE_SWEEP_AFTER_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /** Deliveries one intake process makes at once. */
  INTAKE_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(10),
  /** Port of an intake-only process's Prometheus metrics (`server/main.ts intake`); unset means not exported. */
  INTAKE_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** Unset means "local": `npm start` runs a mail catcher and points SMTP at it. */
  SMTP_URL: optionalUrl(['smtp', 'smtps']).optional(),
  EMAIL_FROM: z.string().min(3).default('Junction <no-reply@junction.local>'),
  MAIL_UI_PORT: port.default(1080),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
  /** json when stdout is not a terminal, pretty otherwise, unless set. */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** Browser origins allowed to call the API (CORS), comma-separated; unset means no cross-origin access. */
  CORS_ORIGINS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter((origin) => origin !== ''),
    )
    .pipe(
      z.array(
        z.string().regex(ORIGIN, 'each origin must be scheme://host[:port] with no path, e.g. https://ops.example.com'),
      ),
    )
    .optional(),
  /** Requests per minute per API key, summed over every API replica (the counter is in Redis). */
  API_RATE_LIMIT: z.coerce
    .number()
    .int('must be a whole number of requests per minute')
    .min(1)
    .max(1_000_000)
    .default(600),
  /** Requests per minute per client address for calls without a valid API key. */
  API_RATE_LIMIT_ANONYMOUS: z.coerce
    .number()
    .int('must be a whole number of requests per minute')
    .min(1)
    .max(1_000_000)
    .default(60),
  /** Longest an API request may take before it is answered 503. */
  API_REQUEST_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100, 'must be at least 100 ms')
    .max(600_000, 'must be at most 600000 ms (10 minutes)')
    .default(30_000),
  /** Which proxies in front of the API to trust for the client address (X-Forwarded-For): a hop count or addresses/subnets. */
  TRUST_PROXY: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== ''),
    )
    .pipe(
      z.array(
        z
          .string()
          .regex(
            PROXY_ENTRY,
            'must be a hop count (e.g. 1) or comma-separated addresses, subnets, loopback, linklocal or uniquelocal',
          ),
      ),
    )
    .refine(
      (entries) => entries.length !== 1 || !/^\d+$/.test(entries[0]!) || Number(entries[0]) <= 10,
      'a hop count must be at most 10',
    )
    .refine(
      (entries) => entries.length <= 1 || entries.every((entry) => !/^\d+$/.test(entry)),
      'a hop count stands alone, not in a list',
    )
    .optional(),
  /** Bearer token a Prometheus scraper presents on GET /metrics (an `admin` API key works too). */
  METRICS_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Port of the worker's Temporal SDK metrics (Prometheus); unset means not exported. */
  WORKER_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** Interface the worker's metrics listen on; 0.0.0.0 for a scraper on another host. */
  WORKER_METRICS_HOST: z
    .string()
    .regex(/^[0-9A-Za-z.:-]+$/, 'must be a host name or IP address, e.g. 0.0.0.0')
    .default('127.0.0.1'),
  /** OIDC bearer tokens beside API keys: the issuer's JWKS. Set with OIDC_ISSUER and OIDC_AUDIENCE, or not at all. */
  OIDC_JWKS_URL: optionalUrl(['https', 'http']).optional(),
  /** The `iss` every accepted token carries, exactly. */
  OIDC_ISSUER: z.string().min(1).optional(),
  /** An `aud` every accepted token must name (the API's identifier at the identity provider). */
  OIDC_AUDIENCE: z.string().min(1).optional(),
  /** The claim holding the token's scopes: a space-separated string or an array; unknown scopes are ignored. */
  OIDC_SCOPES_CLAIM: z.string().min(1).default('scope'),
  /** Signature algorithms accepted, comma-separated; asymmetric ones only, since the keys come from a public JWKS. */
  OIDC_ALLOWED_ALGS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((alg) => alg.trim())
        .filter((alg) => alg !== ''),
    )
    .pipe(z.array(z.enum(OIDC_ALGORITHMS, `each must be one of ${OIDC_ALGORITHMS.join(', ')}`)).min(1))
    .optional(),
  /** The token claim holding the caller's email: the identity an approval decision is bound to. */
  OIDC_EMAIL_CLAIM: z.string().min(1).default('email'),
  /**
   * Destinations connectors may reach although they are loopback, private, link-local or not a
   * vendor's known host, comma-separated: `host`, `*.domain`, `host:port`, `[v6]:port`, an IP or a
   * CIDR. Only the operator sets this (env or connectors.yaml `egress.allow`), never the API.
   */
  CONNECTOR_EGRESS_ALLOW: commaList
    .superRefine((entries, ctx) =>
      allowListProblems(entries).forEach((message) => ctx.addIssue({ code: 'custom', message })),
    )
    .optional(),
  /** Thresholds and approver chains of purchaseApproval (default config/approval-policies.yaml). */
  APPROVAL_POLICIES_FILE: z.string().min(1).optional(),
  /** Lifetime of a new API key when its creator names none; `0` means keys never expire unless asked to. */
  API_KEY_DEFAULT_LIFETIME_DAYS: z.coerce.number().int('must be a whole number of days').min(0).max(3650).default(90),
  /** Requests per minute per client address, counted before any credential is looked up (bounds key guessing and lookups). */
  API_RATE_LIMIT_PER_ADDRESS: z.coerce
    .number()
    .int('must be a whole number of requests per minute')
    .min(1)
    .max(1_000_000)
    .default(6000),
});

export type Env = z.infer<typeof envSchema>;

/** OIDC is all or nothing: a partial setting would leave tokens silently refused or unchecked. */
export function oidcProblems(env: Env): string[] {
  const required = ['OIDC_JWKS_URL', 'OIDC_ISSUER', 'OIDC_AUDIENCE'] as const;
  const set = required.filter((name) => env[name] !== undefined);
  const problems: string[] = [];
  if (set.length > 0) {
    for (const name of required) {
      if (env[name] === undefined)
        problems.push(`${name}: is required when ${set.join(' and ')} ${set.length === 1 ? 'is' : 'are'} set`);
    }
  }
  return problems;
}
