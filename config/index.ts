import { envSchema, OIDC_ALGORITHMS, oidcProblems, type Env } from './env.schema';
import { productionProblems } from './production-checks';

export type LogFormat = 'json' | 'pretty';

export interface Config {
  readonly env: Env['NODE_ENV'];
  readonly port: number;
  readonly temporal: {
    /** null when unset: the local dev stack decides. */
    readonly address: string | null;
    readonly namespace: string;
    readonly taskQueue: string;
    readonly apiKey: string | null;
    readonly uiPort: number;
    /** TEMPORAL_PAYLOAD_ENCRYPTION=on: payloads are encrypted by the codec (needs JUNCTION_MASTER_KEY). */
    readonly payloadEncryption: boolean;
    /** TEMPORAL_UI_ORIGIN: the Web UI origin allowed to call the codec endpoint. */
    readonly uiOrigin: string;
  };
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly masterKey: string | null;
  /** Older master keys the vault still decrypts with (JUNCTION_PREVIOUS_MASTER_KEYS); empty by default. */
  readonly previousMasterKeys: readonly string[];
  /** CONNECTORS_FILE; null means config/connectors.yaml when it exists. */
  readonly connectorsFile: string | null;
  /** SCHEDULES_FILE; null means config/schedules.yaml when it exists. */
  readonly schedulesFile: string | null;
  /** EVENT_SOURCES_FILE; null means config/event-sources.yaml when it exists. */
  readonly eventSourcesFile: string | null;
  /** Event intake: retries, backlog bound, sweeper, consumer concurrency (docs/intake-and-imports.md). */
  readonly intake: IntakeSettings;
  readonly smtp: { readonly url: string | null; readonly from: string; readonly uiPort: number };
  readonly log: { readonly level: Env['LOG_LEVEL']; readonly format: LogFormat };
  readonly shutdownGraceSeconds: number;
  readonly api: ApiLimits;
  /** The worker's Temporal SDK metrics endpoint (`host:port`); null when WORKER_METRICS_PORT is unset. */
  readonly workerMetricsAddress: string | null;
  /** OIDC bearer tokens accepted beside API keys; null when OIDC_JWKS_URL is unset. */
  readonly oidc: OidcConfig | null;
  /** Destinations connectors may reach although private or not a vendor's known host (CONNECTOR_EGRESS_ALLOW). */
  readonly egressAllow: readonly string[];
  /** APPROVAL_POLICIES_FILE; null means config/approval-policies.yaml when it exists. */
  readonly approvalPoliciesFile: string | null;
}

/** How OIDC access tokens are verified (docs/security.md). */
export interface OidcConfig {
  readonly jwksUrl: string;
  readonly issuer: string;
  readonly audience: string;
  readonly scopesClaim: string;
  /** The claim holding the caller's email (OIDC_EMAIL_CLAIM): who an approval decision is from. */
  readonly emailClaim: string;
  readonly algorithms: readonly (typeof OIDC_ALGORITHMS)[number][];
}

/** The admin API's hardening settings (docs/security.md, "Per-address budget and rate limits"). */
export interface ApiLimits {
  /** Origins allowed by CORS; empty means cross-origin browser calls are refused. */
  readonly corsOrigins: readonly string[];
  /** Requests per minute per API key, across replicas. */
  readonly rateLimitPerMinute: number;
  /** Requests per minute per client address without a valid key. */
  readonly anonymousRateLimitPerMinute: number;
  readonly requestTimeoutMs: number;
  /** Express `trust proxy`: a hop count or trusted addresses; null trusts no proxy. */
  readonly trustProxy: number | readonly string[] | null;
  /** A bearer token for GET /metrics beside admin keys; null when unset. */
  readonly metricsToken: string | null;
  /** Requests per minute per client address, counted before any credential is looked up. */
  readonly addressRateLimitPerMinute: number;
  /** Days a new API key lives when its creator names no expiry; null: keys do not expire by default. */
  readonly keyDefaultLifetimeDays: number | null;
}

/** How events are delivered to Temporal (server/intake). */
export interface IntakeSettings {
  readonly maxAttempts: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly backlogLimit: number;
  readonly sweepAfterSeconds: number;
  readonly concurrency: number;
  /** `host:port` of an intake-only process's metrics (INTAKE_METRICS_PORT on WORKER_METRICS_HOST); null when unset. */
  readonly metricsAddress: string | null;
}

/** Raised at start-up when the environment is invalid; the message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const child of Object.values(value)) {
    if (child && typeof child === 'object') deepFreeze(child as object);
  }
  return Object.freeze(value);
}

function trustProxyOf(entries: readonly string[] | undefined): number | readonly string[] | null {
  if (!entries || entries.length === 0) return null;
  return entries.length === 1 && /^\d+$/.test(entries[0]!) ? Number(entries[0]) : entries;
}

/** IPv6 hosts need brackets in a socket address. */
function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Reads and validates the environment. The only place in Junction that touches process.env. */
export function loadConfig(
  source: NodeJS.ProcessEnv = process.env,
  stdoutIsTerminal: boolean = Boolean(process.stdout.isTTY),
): Config {
  // An empty variable means "unset" for every setting: shells and .env files produce them often.
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`),
    );
  }
  const env = parsed.data;
  const issues = [...oidcProblems(env), ...productionProblems(env)];
  if (issues.length > 0) throw new ConfigError(issues);
  if (env.TEMPORAL_PAYLOAD_ENCRYPTION === 'on' && !env.JUNCTION_MASTER_KEY) {
    throw new ConfigError([
      'TEMPORAL_PAYLOAD_ENCRYPTION: "on" requires JUNCTION_MASTER_KEY (the payload key is derived from it); set JUNCTION_MASTER_KEY or TEMPORAL_PAYLOAD_ENCRYPTION=off',
    ]);
  }
  return deepFreeze({
    env: env.NODE_ENV,
    port: env.PORT,
    temporal: {
      address: env.TEMPORAL_ADDRESS ?? null,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      apiKey: env.TEMPORAL_API_KEY ?? null,
      uiPort: env.TEMPORAL_UI_PORT,
      payloadEncryption: env.TEMPORAL_PAYLOAD_ENCRYPTION === 'on',
      uiOrigin: env.TEMPORAL_UI_ORIGIN,
    },
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    masterKey: env.JUNCTION_MASTER_KEY ?? null,
    previousMasterKeys: env.JUNCTION_PREVIOUS_MASTER_KEYS ?? [],
    connectorsFile: env.CONNECTORS_FILE ?? null,
    schedulesFile: env.SCHEDULES_FILE ?? null,
    eventSourcesFile: env.EVENT_SOURCES_FILE ?? null,
    intake: {
      maxAttempts: env.INTAKE_MAX_ATTEMPTS,
      retryBaseMs: env.INTAKE_RETRY_BASE_MS,
      retryMaxMs: Math.max(env.INTAKE_RETRY_MAX_MS, env.INTAKE_RETRY_BASE_MS),
      backlogLimit: env.INTAKE_BACKLOG_LIMIT,
      sweepAfterSeconds: env.INTAKE_SWEEP_AFTER_SECONDS,
      concurrency: env.INTAKE_CONCURRENCY,
      metricsAddress:
        env.INTAKE_METRICS_PORT === undefined ? null : hostPort(env.WORKER_METRICS_HOST, env.INTAKE_METRICS_PORT),
    },
    smtp: { url: env.SMTP_URL ?? null, from: env.EMAIL_FROM, uiPort: env.MAIL_UI_PORT },
    log: { level: env.LOG_LEVEL, format: env.LOG_FORMAT ?? (stdoutIsTerminal ? 'pretty' : 'json') },
    shutdownGraceSeconds: env.SHUTDOWN_GRACE_SECONDS,
    api: {
      corsOrigins: env.CORS_ORIGINS ?? [],
      rateLimitPerMinute: env.API_RATE_LIMIT,
      anonymousRateLimitPerMinute: env.API_RATE_LIMIT_ANONYMOUS,
      requestTimeoutMs: env.API_REQUEST_TIMEOUT_MS,
      trustProxy: trustProxyOf(env.TRUST_PROXY),
      metricsToken: env.METRICS_TOKEN ?? null,
      addressRateLimitPerMinute: env.API_RATE_LIMIT_PER_ADDRESS,
      keyDefaultLifetimeDays: env.API_KEY_DEFAULT_LIFETIME_DAYS === 0 ? null : env.API_KEY_DEFAULT_LIFETIME_DAYS,
    },
    workerMetricsAddress:
      env.WORKER_METRICS_PORT === undefined ? null : hostPort(env.WORKER_METRICS_HOST, env.WORKER_METRICS_PORT),
    oidc:
      env.OIDC_JWKS_URL && env.OIDC_ISSUER && env.OIDC_AUDIENCE
        ? {
            jwksUrl: env.OIDC_JWKS_URL,
            issuer: env.OIDC_ISSUER,
            audience: env.OIDC_AUDIENCE,
            scopesClaim: env.OIDC_SCOPES_CLAIM,
            emailClaim: env.OIDC_EMAIL_CLAIM,
            algorithms: env.OIDC_ALLOWED_ALGS ?? [...OIDC_ALGORITHMS],
          }
        : null,
    egressAllow: env.CONNECTOR_EGRESS_ALLOW ?? [],
    approvalPoliciesFile: env.APPROVAL_POLICIES_FILE ?? null,
  });
}

/** The address roles connect to when TEMPORAL_ADDRESS is unset (the local dev server). */
export const LOCAL_TEMPORAL_ADDRESS = '127.0.0.1:7233';
/** The mail catcher `npm start` runs when SMTP_URL is unset. */
export const LOCAL_SMTP_URL = 'smtp://127.0.0.1:1025';
