/**
 * The shared HTTP client of every vendor connector: one axios instance per connector instance,
 * every failure converted into a ConnectorError, every call logged at debug level without
 * bodies, headers or query. Optionally guarded by a circuit breaker (per process) and a request
 * budget shared by all processes through Redis; a call passes the breaker first, so an open
 * circuit fails fast without waiting for or spending budget.
 *
 * Every connection passes the process's egress policy (connectors/egress): loopback, private,
 * link-local and metadata addresses are refused unless the operator allows them, checked on the
 * address actually connected to. Redirects are not followed and request URLs stay relative to
 * baseURL, so a vendor's answer cannot send a call, and its credentials, anywhere else.
 */
import axios, { type AxiosRequestConfig, type Method } from 'axios';
import { getLogger } from '../logging/logger';
import { ConnectorError } from './connector-error';
import { createGuardedAgents } from './egress/guarded-agents';
import { ConnectorErrorCode } from './connector-error-codes';
import type { AuthInjector } from './http/auth/auth-injector';
import { createCircuitBreaker, type CircuitBreakerOptions } from './http/circuit-breaker';
import { classifyHttpError, requestPath } from './http/classify-http-error';
import { createPacer, type PacingOptions } from './http/pacing';
import { createRateLimiter, type RateLimitOptions } from './http/rate-limit';

export { classifyHttpError, requestPath } from './http/classify-http-error';
export { MAX_RETRY_AFTER_MS, parseRateLimitReset, parseRetryAfter, retryAfterFromHeaders } from './http/retry-after';
export { extractVendorMessage } from './http/vendor-message';
export type { AuthInjector } from './http/auth/auth-injector';
export { apiKeyHeader, basicAuth, bearerToken } from './http/auth/static-auth';
export { oauth2ClientCredentials, type ClientCredentialsOptions } from './http/auth/oauth2-client-credentials';
export { oauth2RefreshToken, type RefreshTokenOptions } from './http/auth/oauth2-refresh-token';
export { jwtBearer, type JwtBearerOptions } from './http/auth/jwt-bearer';
export {
  authFromSettings,
  authSettingsSchema,
  parseAuthSettings,
  type AuthFactoryOptions,
  type AuthSettings,
  type AuthType,
} from './http/auth/auth-from-settings';
export { CIRCUIT_BREAKER_DEFAULTS, type CircuitBreakerOptions } from './http/circuit-breaker';
export {
  DEFAULT_RATE_LIMIT_KEY_PREFIX,
  DEFAULT_RATE_LIMIT_MAX_WAIT_MS,
  type RateLimitOptions,
} from './http/rate-limit';
export { DEFAULT_PACE_MAX_WAIT_MS, type PaceDecision, type PacingOptions } from './http/pacing';

export interface HttpClientOptions {
  /** The connector instance name (`crm.main`): it names the client in errors and logs. */
  connector: string;
  baseURL: string;
  /** Whole-request timeout; an activity's start-to-close timeout should leave room for it. */
  timeoutMs: number;
  /** Sent with every request. Never logged. */
  headers?: Record<string, string>;
  /** Adds credentials to every request; a 401 invalidates them and retries once when renewable. */
  auth?: AuthInjector;
  /** Largest response body accepted (default 10 MiB): a vendor bug must not exhaust memory. */
  maxResponseBytes?: number;
  /**
   * The vendor's request budget, shared by every process through Redis (default: none). Over
   * budget a call waits up to `maxWaitMs`, then fails with a retryable RATE_LIMITED. A call that
   * is retried after a 401 spends one unit, not two.
   */
  rateLimit?: RateLimitOptions;
  /**
   * Fail fast while the vendor is down (default: none; `{}` takes the defaults in
   * CIRCUIT_BREAKER_DEFAULTS). Only retryable failures count towards opening it.
   */
  circuitBreaker?: CircuitBreakerOptions;
  /**
   * Reads what only the vendor's error body or headers say (Salesforce's errorCode, Stripe's
   * decline_code) into a sharper error than the status gives; `classified` is the status-based one.
   */
  describeError?: (response: VendorErrorResponse, classified: ConnectorError) => ConnectorError;
  /** Removes personal data a vendor puts in request paths, for error messages and logs. */
  redactPath?: (path: string) => string;
  /**
   * Holds off this client's next calls while the vendor's rate-limit headers say its budget is
   * spent, and for a 429's retryAfterMs (default: none). Per process; see connectors/http/pacing.ts.
   */
  pace?: PacingOptions;
}

export interface VendorErrorResponse {
  status: number;
  headers: Record<string, string | undefined>;
  data: unknown;
}

export interface HttpRequest {
  method: Method;
  /** Relative to baseURL; an absolute URL is refused (DESTINATION_REFUSED). */
  url: string;
  params?: Record<string, string | number | boolean | undefined>;
  /** Serialised as JSON unless it is a string, a Buffer or URLSearchParams. */
  data?: unknown;
  headers?: Record<string, string>;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** 'text': the body arrives as the text sent, never parsed (the generic http connector parses by content type). */
  responseType?: 'text';
}

export interface HttpResponse<T> {
  status: number;
  headers: Record<string, string | undefined>;
  /** Unvalidated: parse it with the vendor's zod schema before it leaves the client code. */
  data: T;
}

type RequestOptions = Omit<HttpRequest, 'method' | 'url' | 'data'>;

export interface HttpClient {
  readonly connector: string;
  request<T = unknown>(request: HttpRequest): Promise<HttpResponse<T>>;
  get<T = unknown>(url: string, options?: RequestOptions): Promise<T>;
  post<T = unknown>(url: string, data?: unknown, options?: RequestOptions): Promise<T>;
  put<T = unknown>(url: string, data?: unknown, options?: RequestOptions): Promise<T>;
  patch<T = unknown>(url: string, data?: unknown, options?: RequestOptions): Promise<T>;
  delete<T = unknown>(url: string, options?: RequestOptions): Promise<T>;
  /** Releases what the client holds (a Redis connection it opened, the breaker's timer). */
  close(): Promise<void>;
}

const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

function flattenHeaders(headers: unknown): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (headers === null || typeof headers !== 'object') return out;
  for (const [key, value] of Object.entries(headers)) {
    if (typeof value === 'string') out[key.toLowerCase()] = value;
    else if (Array.isArray(value)) out[key.toLowerCase()] = value.join(', ');
    else if (typeof value === 'number') out[key.toLowerCase()] = String(value);
  }
  return out;
}

function statusOf(error: unknown): number | undefined {
  return axios.isAxiosError(error) ? error.response?.status : undefined;
}

/** `https:…`, `mailto:…` or protocol-relative `//host/…`: anything that names its own destination. */
const ABSOLUTE_URL = /^(?:[a-z][a-z\d+\-.]*:|[\\/]{2})/i;

function absoluteUrlRefused(connector: string): ConnectorError {
  return new ConnectorError(`${connector}: request URLs must be relative to the connector's base URL`, {
    code: ConnectorErrorCode.DestinationRefused,
    retryable: false,
  });
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const agents = createGuardedAgents();
  const instance = axios.create({
    baseURL: options.baseURL,
    timeout: options.timeoutMs,
    headers: { Accept: 'application/json', ...options.headers },
    maxContentLength: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    // A redirect would take the request, and its credentials, to a destination nobody configured.
    maxRedirects: 0,
    allowAbsoluteUrls: false,
    httpAgent: agents.httpAgent,
    httpsAgent: agents.httpsAgent,
    // Environment proxies would silently reroute vendor traffic (and credentials); opt in per vendor if ever needed.
    proxy: false,
  });
  const { connector } = options;
  const redactPath = options.redactPath ?? ((path: string) => path);
  const breaker = options.circuitBreaker ? createCircuitBreaker(connector, options.circuitBreaker) : undefined;
  const limiter = options.rateLimit ? createRateLimiter(connector, options.rateLimit) : undefined;
  const pacer = options.pace ? createPacer(connector, options.pace) : undefined;

  async function send<T>(req: HttpRequest) {
    const authHeaders = options.auth ? await options.auth.headers() : {};
    const config: AxiosRequestConfig = {
      method: req.method,
      url: req.url,
      headers: { ...authHeaders, ...req.headers },
      ...(req.params !== undefined ? { params: req.params } : {}),
      ...(req.data !== undefined ? { data: req.data } : {}),
      ...(req.timeoutMs !== undefined ? { timeout: req.timeoutMs } : {}),
      ...(req.signal !== undefined ? { signal: req.signal } : {}),
      ...(req.responseType !== undefined ? { responseType: req.responseType } : {}),
    };
    try {
      return await instance.request<T>(config);
    } catch (error) {
      // A token may have been revoked or expired early: renew it once, then let a 401 stand.
      if (statusOf(error) !== 401 || !options.auth?.invalidate || !(await options.auth.invalidate())) throw error;
      return instance.request<T>({ ...config, headers: { ...(await options.auth.headers()), ...req.headers } });
    }
  }

  function describe(error: unknown): ConnectorError {
    const classified = classifyHttpError(error, connector, Date.now(), redactPath);
    if (!options.describeError || !axios.isAxiosError(error) || !error.response) return classified;
    const { status, headers, data } = error.response;
    return options.describeError({ status, headers: flattenHeaders(headers), data: data as unknown }, classified);
  }

  /** Breaker check, then any hold-off, then budget, then the call; every failure leaves here as a ConnectorError. */
  async function guardedSend<T>(req: HttpRequest) {
    if (ABSOLUTE_URL.test(req.url.trim())) throw absoluteUrlRefused(connector);
    breaker?.throwIfOpen();
    await pacer?.wait(req.signal);
    await limiter?.acquire(req.signal);
    const call = () =>
      send<T>(req).then(
        (response) => {
          pacer?.observe({ status: response.status, headers: flattenHeaders(response.headers) });
          return response;
        },
        (error: unknown) => {
          // An error answer (a 404 lookup) carries the vendor's rate-limit headers as well.
          if (axios.isAxiosError(error) && error.response)
            pacer?.observe({ status: error.response.status, headers: flattenHeaders(error.response.headers) });
          const failure = describe(error);
          pacer?.observeFailure(failure);
          throw failure;
        },
      );
    return breaker ? breaker.run(call) : call();
  }

  async function request<T>(req: HttpRequest): Promise<HttpResponse<T>> {
    const method = req.method.toUpperCase();
    const path = redactPath(requestPath(req.url, options.baseURL));
    const started = performance.now();
    try {
      const response = await guardedSend<T>(req);
      getLogger().debug('http request', {
        connector,
        method,
        path,
        status: response.status,
        durationMs: Math.round(performance.now() - started),
      });
      return { status: response.status, headers: flattenHeaders(response.headers), data: response.data };
    } catch (error) {
      const failure = classifyHttpError(error, connector, Date.now(), redactPath);
      getLogger().debug('http request failed', {
        connector,
        method,
        path,
        status: failure.status,
        code: failure.code,
        durationMs: Math.round(performance.now() - started),
      });
      throw failure;
    }
  }

  return {
    connector,
    request,
    get: async <T>(url: string, opts?: RequestOptions) => (await request<T>({ ...opts, method: 'GET', url })).data,
    post: async <T>(url: string, data?: unknown, opts?: RequestOptions) =>
      (await request<T>({ ...opts, method: 'POST', url, data })).data,
    put: async <T>(url: string, data?: unknown, opts?: RequestOptions) =>
      (await request<T>({ ...opts, method: 'PUT', url, data })).data,
    patch: async <T>(url: string, data?: unknown, opts?: RequestOptions) =>
      (await request<T>({ ...opts, method: 'PATCH', url, data })).data,
    delete: async <T>(url: string, opts?: RequestOptions) =>
      (await request<T>({ ...opts, method: 'DELETE', url })).data,
    close: async () => {
      breaker?.shutdown();
      agents.destroy();
      await limiter?.close();
    },
  };
}
