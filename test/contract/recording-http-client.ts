/**
 * A recording decorator for the HttpClient interface: contract suites wrap a connector's client
 * with it and check Prism's `sl-violations` header on every answer the connector received.
 */
import type { HttpClient, HttpRequest, HttpResponse } from '../../connectors/http';
import { prismViolations, type PrismViolation } from '../support/prism-mock';

export interface RecordedExchange {
  method: string;
  url: string;
  params?: HttpRequest['params'];
  /** The request body as the connector handed it over (URLSearchParams, an object …). */
  data?: unknown;
  requestHeaders: Record<string, string>;
  /** Undefined when the call failed (then `error` says how). */
  status?: number;
  violations: PrismViolation[];
  error?: unknown;
}

export interface RecordingHttpClient {
  readonly exchanges: RecordedExchange[];
  wrap(inner: HttpClient): HttpClient;
}

export function recordingHttpClient(): RecordingHttpClient {
  const exchanges: RecordedExchange[] = [];
  return {
    exchanges,
    wrap(inner) {
      async function request<T>(req: HttpRequest): Promise<HttpResponse<T>> {
        const exchange: RecordedExchange = {
          method: req.method.toUpperCase(),
          url: req.url,
          requestHeaders: { ...req.headers },
          violations: [],
          ...(req.params ? { params: req.params } : {}),
          ...(req.data !== undefined ? { data: req.data } : {}),
        };
        exchanges.push(exchange);
        try {
          const response = await inner.request<T>(req);
          exchange.status = response.status;
          exchange.violations = prismViolations(response.headers);
          return response;
        } catch (error) {
          exchange.error = error;
          throw error;
        }
      }
      type Options = Omit<HttpRequest, 'method' | 'url' | 'data'>;
      const decorated = {
        connector: inner.connector,
        request,
        get: async <T>(url: string, options?: Options) => (await request<T>({ ...options, method: 'GET', url })).data,
        post: async <T>(url: string, data?: unknown, options?: Options) =>
          (await request<T>({ ...options, method: 'POST', url, data })).data,
        put: async <T>(url: string, data?: unknown, options?: Options) =>
          (await request<T>({ ...options, method: 'PUT', url, data })).data,
        patch: async <T>(url: string, data?: unknown, options?: Options) =>
          (await request<T>({ ...options, method: 'PATCH', url, data })).data,
        delete: async <T>(url: string, options?: Options) =>
          (await request<T>({ ...options, method: 'DELETE', url })).data,
      };
      // Whatever else the interface grows (close(), …) stays the inner client's.
      return { ...inner, ...decorated };
    },
  };
}
