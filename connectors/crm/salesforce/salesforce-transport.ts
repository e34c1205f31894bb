/**
 * HTTP for the Salesforce connector. Why not the shared createHttpClient: its errors carry the
 * status but not the body, and Salesforce says what went wrong only in the body's errorCode
 * (403 is both "no permission" and "daily API limit reached"). Until the shared client offers a
 * hook for vendor error bodies, this thin transport does what it does — auth headers from the
 * AuthInjector, one renewal and retry after a 401 (INVALID_SESSION_ID), failures classified by
 * the shared classifyHttpError, a debug line without bodies, headers, query or External ID values
 * — and then reads the body (salesforce-errors.ts). No redirects, no environment proxies.
 */
import axios, { type AxiosResponse, type Method } from 'axios';
import { getLogger } from '../../../server/logging/logger';
import { classifyHttpError, requestPath, type AuthInjector } from '../../http';
import { redactPath, salesforceError } from './salesforce-errors';

const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

export interface SalesforceRequest {
  method: Method;
  /** Relative to the instance URL. */
  url: string;
  params?: Record<string, string>;
  data?: unknown;
  headers?: Record<string, string>;
}

export interface SalesforceTransport {
  /** Resolves with 2xx responses only; everything else rejects with a ConnectorError. */
  request(req: SalesforceRequest): Promise<{ status: number; data: unknown }>;
}

export interface SalesforceTransportOptions {
  connector: string;
  baseURL: string;
  timeoutMs: number;
  auth: AuthInjector;
}

export function createSalesforceTransport(options: SalesforceTransportOptions): SalesforceTransport {
  const { connector, auth } = options;
  const instance = axios.create({
    baseURL: options.baseURL,
    timeout: options.timeoutMs,
    headers: { Accept: 'application/json' },
    maxContentLength: MAX_RESPONSE_BYTES,
    maxRedirects: 0,
    proxy: false,
    // Every status comes back as a response: its body is what tells Salesforce errors apart.
    validateStatus: () => true,
  });

  async function send(req: SalesforceRequest): Promise<AxiosResponse> {
    const attempt = async () =>
      instance.request({
        method: req.method,
        url: req.url,
        headers: { ...(await auth.headers()), ...req.headers },
        ...(req.params !== undefined ? { params: req.params } : {}),
        ...(req.data !== undefined ? { data: req.data } : {}),
      });
    const first = await attempt();
    // A session may be revoked or time out early: renew the token once, then let a 401 stand.
    if (first.status !== 401 || !auth.invalidate || !(await auth.invalidate())) return first;
    return attempt();
  }

  return {
    async request(req) {
      const started = performance.now();
      const log = { connector, method: req.method.toUpperCase(), path: redactPath(requestPath(req.url, options.baseURL)) };
      let response: AxiosResponse;
      try {
        response = await send(req);
      } catch (error) {
        // Network errors, timeouts and token-endpoint failures (already ConnectorErrors).
        const failure = classifyHttpError(error, connector);
        getLogger().debug('http request failed', { ...log, code: failure.code, durationMs: Math.round(performance.now() - started) });
        throw failure;
      }
      getLogger().debug('http request', { ...log, status: response.status, durationMs: Math.round(performance.now() - started) });
      if (response.status >= 200 && response.status < 300) return { status: response.status, data: response.data as unknown };
      throw salesforceError(connector, response);
    },
  };
}
