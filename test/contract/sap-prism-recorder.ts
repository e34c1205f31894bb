/**
 * The contract suite's HttpClient decorator for the SAP connector: records every exchange with
 * Prism's `sl-violations`, and lets a test rewrite an answer after Prism validated it.
 */
import { createHttpClient, type HttpClient, type HttpRequest, type HttpResponse } from '../../connectors/http';
import type { HttpClientFactory, SapService } from '../../connectors/erp/sap-s4hana';
import { prismViolations, type PrismViolation } from '../support/prism-mock';

export interface Exchange {
  service: SapService;
  method: string;
  url: string;
  /** A CSRF token fetch (`x-csrf-token: Fetch`). */
  csrfFetch: boolean;
  status?: number;
  violations: PrismViolation[];
}
export type Rewrite = (exchange: Exchange, response: HttpResponse<unknown>) => HttpResponse<unknown>;

/**
 * Records every exchange and lets a test rewrite answers. The stock spec's static example cannot
 * be generated (its navigation properties recurse and Prism answers its own invalid example with
 * 500), so stock requests ask Prism for dynamic examples.
 */
export function sapPrismRecorder() {
  const state = { exchanges: [] as Exchange[], rewrite: undefined as Rewrite | undefined };
  const factory: HttpClientFactory = (options, service) => {
    const inner = createHttpClient(options);
    async function request<T>(req: HttpRequest): Promise<HttpResponse<T>> {
      const headers = service === 'materialStock' ? { ...req.headers, Prefer: 'dynamic=true' } : req.headers;
      const exchange: Exchange = {
        service,
        method: req.method.toUpperCase(),
        url: req.url,
        csrfFetch: req.headers?.['x-csrf-token'] === 'Fetch',
        violations: [],
      };
      state.exchanges.push(exchange);
      const response = await inner.request<T>({ ...req, ...(headers ? { headers } : {}) });
      exchange.status = response.status;
      exchange.violations = prismViolations(response.headers);
      return (state.rewrite ? state.rewrite(exchange, response) : response) as HttpResponse<T>;
    }
    type Options = Omit<HttpRequest, 'method' | 'url' | 'data'>;
    // Whatever else the interface has (close(), …) stays the inner client's.
    const client: HttpClient = {
      ...inner,
      request,
      get: async <T>(url: string, o?: Options) => (await request<T>({ ...o, method: 'GET', url })).data,
      post: async <T>(url: string, data?: unknown, o?: Options) =>
        (await request<T>({ ...o, method: 'POST', url, data })).data,
      put: async <T>(url: string, data?: unknown, o?: Options) =>
        (await request<T>({ ...o, method: 'PUT', url, data })).data,
      patch: async <T>(url: string, data?: unknown, o?: Options) =>
        (await request<T>({ ...o, method: 'PATCH', url, data })).data,
      delete: async <T>(url: string, o?: Options) => (await request<T>({ ...o, method: 'DELETE', url })).data,
    };
    return client;
  };
  return { state, factory };
}

/** `A_SalesOrder('x')/to_Item?…` → `A_SalesOrder(…)/to_Item`. */
export const operationOf = (e: Exchange) => `${e.method} ${e.url.split('?')[0]?.replace(/\([^)]*\)/g, '(…)')}`;
export const isLookup = (entitySet: string) => (e: Exchange) =>
  e.method === 'GET' && e.url.startsWith(`${entitySet}?`) && e.url.includes('$filter=');
export const emptied: Rewrite = (_e, response) => ({ ...response, data: { d: { results: [] } } });
