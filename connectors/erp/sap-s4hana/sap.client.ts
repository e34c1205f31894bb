/**
 * One SAP OData v2 service (API_SALES_ORDER_SRV, …) over the shared HTTP client: query
 * building, `sap-client`, paging, response parsing and the CSRF dance on writes.
 */
import type { z } from 'zod';
import {
  createHttpClient,
  type AuthInjector,
  type HttpClient,
  type HttpClientOptions,
  type HttpRequest,
} from '../../http';
import { getLogger } from '../../../logging/logger';
import { describeSapError, isCsrfRejection, SapCsrfSession } from './sap-csrf';
import { unexpectedResponse } from './sap-errors';
import { sapManifest, type SapService } from './sap.manifest';
import { odataCollection, odataEntity } from './sap.schemas';
import { resilienceOptions, type ResilienceSettings } from '../../http/resilience-settings';

/** Builds the HTTP client of one service; tests pass one that records responses. */
export type HttpClientFactory = (options: HttpClientOptions, service: SapService) => HttpClient;

export interface SapClientOptions {
  instance: string;
  /** Rate limit and circuit breaker of the HTTP client (one per service). */
  resilience?: ResilienceSettings;
  service: SapService;
  /** The service root, e.g. https://host/sap/opu/odata/sap/API_SALES_ORDER_SRV */
  serviceUrl: string;
  /** The ABAP client, sent as `sap-client` on every request. */
  client?: string | undefined;
  timeoutMs: number;
  pageSize: number;
  auth: AuthInjector;
  httpClientFor?: HttpClientFactory | undefined;
}

export interface ODataQuery {
  $filter?: string;
  $select?: readonly string[];
  $orderby?: string;
}

/** An OData string literal: `'O''Brien'`. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A key segment: `A_SalesOrder('4711')`, or `A_SalesOrderItem(SalesOrder='4711',SalesOrderItem='10')`. */
export function entityPath(entitySet: string, key: string | Readonly<Record<string, string>>): string {
  const literal = (value: string) => encodeURIComponent(odataString(value));
  const keys =
    typeof key === 'string'
      ? literal(key)
      : Object.entries(key)
          .map(([name, value]) => `${name}=${literal(value)}`)
          .join(',');
  return `${entitySet}(${keys})`;
}

export class SapODataClient {
  private readonly http: HttpClient;
  private readonly csrf: SapCsrfSession;

  constructor(private readonly options: SapClientOptions) {
    const httpOptions: HttpClientOptions = {
      connector: options.instance,
      baseURL: options.serviceUrl,
      timeoutMs: options.timeoutMs,
      auth: options.auth,
      describeError: describeSapError,
      ...resilienceOptions(options.resilience ?? {}),
    };
    this.http = options.httpClientFor
      ? options.httpClientFor(httpOptions, options.service)
      : createHttpClient(httpOptions);
    const { probe } = sapManifest.services[options.service];
    this.csrf = new SapCsrfSession((headers) =>
      this.http.request({ method: 'GET', url: this.url(probe.path, probe.query), headers }),
    );
  }

  /** Tokens fetched so far (one per session; tests and logs read it). */
  get csrfFetches(): number {
    return this.csrf.fetches;
  }

  /** Releases what the HTTP client holds (breaker timers, a Redis connection), when it holds any. */
  async close(): Promise<void> {
    if ('close' in this.http && typeof this.http.close === 'function') await this.http.close();
  }

  /** The cheapest read the service offers: proves URL, client and credentials. */
  async probe(): Promise<void> {
    const { probe } = sapManifest.services[this.options.service];
    await this.http.request({ method: 'GET', url: this.url(probe.path, probe.query) });
  }

  async getEntity<T extends z.ZodType>(path: string, query: ODataQuery, schema: T): Promise<z.output<T>> {
    const response = await this.http.request({ method: 'GET', url: this.url(path, this.params(query)) });
    return this.parse(odataEntity(schema), response.data, `GET ${path}`).d;
  }

  /** The first entity matching the query, or null. */
  async findFirst<T extends z.ZodType>(path: string, query: ODataQuery, schema: T): Promise<z.output<T> | null> {
    const response = await this.http.request({
      method: 'GET',
      url: this.url(path, { ...this.params(query), $top: '1' }),
    });
    return this.parse(odataCollection(schema), response.data, `GET ${path}`).d.results[0] ?? null;
  }

  /** Every entity matching the query: `$top`/`$skip` pages, or the server's `__next` links. */
  async list<T extends z.ZodType>(path: string, query: ODataQuery, schema: T): Promise<z.output<T>[]> {
    const { pageSize } = this.options;
    const items: z.output<T>[] = [];
    let url = this.url(path, { ...this.params(query), $top: String(pageSize), $skip: '0' });
    let serverPaged = false;
    for (let page = 1; page <= sapManifest.paging.maxPages; page += 1) {
      const response = await this.http.request({ method: 'GET', url });
      const { results, __next: next } = this.parse(odataCollection(schema), response.data, `GET ${path}`).d;
      items.push(...results);
      if (next) {
        serverPaged = true;
        url = this.rebase(next);
      } else if (serverPaged || results.length < pageSize) return items;
      else url = this.url(path, { ...this.params(query), $top: String(pageSize), $skip: String(page * pageSize) });
    }
    throw unexpectedResponse(this.options.instance, `GET ${path}: more than ${sapManifest.paging.maxPages} pages`);
  }

  /** POST of a new entity; SAP answers 201 with it. */
  async create<T extends z.ZodType>(path: string, body: unknown, schema: T): Promise<z.output<T>> {
    const response = await this.write({ method: 'POST', url: this.url(path, {}), data: body });
    return this.parse(odataEntity(schema), response.data, `POST ${path}`).d;
  }

  /** PATCH (204). `etag` from `__metadata`; `*` when the system sent none. */
  async update(path: string, body: unknown, etag: string | undefined): Promise<void> {
    await this.write({ method: 'PATCH', url: this.url(path, {}), data: body, headers: { 'If-Match': etag ?? '*' } });
  }

  /** A write with the session's CSRF token; a rejected token is fetched anew and the write sent once more. */
  private async write(request: HttpRequest) {
    const send = async () =>
      this.http.request({ ...request, headers: { ...request.headers, ...(await this.csrf.headers()) } });
    try {
      return await send();
    } catch (error) {
      if (!isCsrfRejection(error)) throw error;
      // A 403 means SAP did not process the write, so sending it again cannot duplicate it.
      getLogger().debug('sap csrf token rejected, fetching a new one', {
        connector: this.options.instance,
        service: this.options.service,
      });
      this.csrf.invalidate();
      return send();
    }
  }

  private params(query: ODataQuery): Record<string, string> {
    const params: Record<string, string> = {};
    if (query.$filter) params.$filter = query.$filter;
    if (query.$select && query.$select.length > 0) params.$select = query.$select.join(',');
    if (query.$orderby) params.$orderby = query.$orderby;
    return params;
  }

  /**
   * A relative URL with its query string built here: axios would encode spaces as `+`, which
   * OData does not promise to read as a space in `$filter`.
   */
  private url(path: string, params: Readonly<Record<string, string>>): string {
    const all = this.options.client ? { [sapManifest.clientQueryParam]: this.options.client, ...params } : params;
    const query = Object.entries(all)
      .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
      .join('&');
    return query === '' ? path : `${path}?${query}`;
  }

  /**
   * A `__next` link moved onto our service URL, as a URL relative to it: a system behind a proxy
   * or API management names its internal host and path (`/sap/opu/odata/sap/<service>/…`) there.
   */
  private rebase(next: string): string {
    const base = new URL(`${this.options.serviceUrl}/`);
    const target = new URL(next, base);
    const internalRoot = `${sapManifest.services[this.options.service].path}/`;
    const at = target.pathname.indexOf(internalRoot);
    const rest = target.pathname.startsWith(base.pathname)
      ? target.pathname.slice(base.pathname.length)
      : at >= 0
        ? target.pathname.slice(at + internalRoot.length)
        : target.pathname;
    const rebased = new URL(`${rest}${target.search}`, base);
    if (this.options.client && !rebased.searchParams.has(sapManifest.clientQueryParam))
      rebased.searchParams.set(sapManifest.clientQueryParam, this.options.client);
    // Relative to the service URL: the shared HTTP client sends requests nowhere else.
    if (!rebased.href.startsWith(base.href))
      throw unexpectedResponse(this.options.instance, 'a __next link leaves the service');
    return rebased.href.slice(base.href.length);
  }

  private parse<T extends z.ZodType>(schema: T, data: unknown, what: string): z.output<T> {
    const result = schema.safeParse(data);
    if (result.success) return result.data;
    const issues = result.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
    throw unexpectedResponse(this.options.instance, `${what}: ${issues.join('; ')}`);
  }
}
