/**
 * The Business Central API v1.0 of one company over the shared HTTP client: OData v4 query
 * building, server-driven paging, If-Match, response parsing. Paths are relative to the
 * company, e.g. `salesOrders(<id>)/salesOrderLines`.
 */
import { z } from 'zod';
import {
  createHttpClient,
  type AuthInjector,
  type HttpClient,
  type HttpClientOptions,
  type HttpRequest,
} from '../../http';
import { describeBcError, invalidInput, unexpectedResponse } from './bc-errors';
import { bcManifest } from './bc.manifest';
import { bcCollection } from './bc.schemas';
import { resilienceOptions, type ResilienceSettings } from '../../http/resilience-settings';

const rawProbe = z.object({ id: z.string() });

/** Builds the HTTP client; contract tests pass one that records Prism's answers. */
export type HttpClientFactory = (options: HttpClientOptions) => HttpClient;

export interface BcClientOptions {
  instance: string;
  /** Rate limit and circuit breaker of the HTTP client. */
  resilience?: ResilienceSettings;
  /** `…/api/v1.0`: the company path is appended here. */
  apiRoot: string;
  companyId: string;
  timeoutMs: number;
  pageSize: number;
  auth: AuthInjector;
  httpClientFor?: HttpClientFactory | undefined;
}

export interface ODataQuery {
  $filter?: string;
  $select?: readonly string[];
}

export interface BcPage<T> {
  items: T[];
  /** The next page, relative to the API root (see nextLinkPath); null on the last page. */
  next: string | null;
}

/** An OData string literal: `'O''Brien'`. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A query string built here: axios would encode spaces as `+`, which OData need not read as spaces. */
function queryString(query: ODataQuery): string {
  const params: [string, string][] = [];
  if (query.$filter) params.push(['$filter', query.$filter]);
  if (query.$select && query.$select.length > 0) params.push(['$select', query.$select.join(',')]);
  return params.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&');
}

const MAX_PAGES = 1000;

export class BcApiClient {
  private readonly http: HttpClient;
  /** `companies(<id>)`: every path below starts here. */
  readonly companyPath: string;

  constructor(private readonly options: BcClientOptions) {
    const httpOptions: HttpClientOptions = {
      connector: options.instance,
      baseURL: options.apiRoot,
      timeoutMs: options.timeoutMs,
      auth: options.auth,
      describeError: describeBcError,
      ...resilienceOptions(options.resilience ?? {}),
    };
    this.http = options.httpClientFor ? options.httpClientFor(httpOptions) : createHttpClient(httpOptions);
    this.companyPath = `companies(${options.companyId})`;
  }

  /**
   * The cheapest read below the company: proves URL, company id, credentials and permissions
   * (an unknown company is a 404). The company entity itself would do on a real system, but
   * Prism cannot build an answer from its schema (SCHEMA_TOO_COMPLEX).
   */
  async probe(): Promise<void> {
    await this.findFirst('customers', { $select: ['id'] }, rawProbe);
  }

  async get<T extends z.ZodType>(path: string, query: ODataQuery, schema: T): Promise<z.output<T>> {
    return this.send({ method: 'GET', url: this.url(path, query) }, schema);
  }

  /** The first record matching the query, or null. */
  async findFirst<T extends z.ZodType>(path: string, query: ODataQuery, schema: T): Promise<z.output<T> | null> {
    const base = this.url(path, query);
    const url = `${base}${base.includes('?') ? '&' : '?'}$top=1`;
    return (await this.send({ method: 'GET', url }, bcCollection(schema))).value[0] ?? null;
  }

  /** The first page of `path`: `pageSize` records and a `next` to ask for the rest. */
  async firstPage<T extends z.ZodType>(path: string, query: ODataQuery, schema: T): Promise<BcPage<z.output<T>>> {
    return this.page(this.url(path, query), schema);
  }

  /** The page a `next` of an earlier page names. */
  async nextPage<T extends z.ZodType>(next: string, schema: T): Promise<BcPage<z.output<T>>> {
    return this.page(next, schema);
  }

  /** Every record matching the query, page after page. */
  async list<T extends z.ZodType>(path: string, query: ODataQuery, schema: T): Promise<z.output<T>[]> {
    let page = await this.firstPage(path, query, schema);
    const items = [...page.items];
    for (let pages = 1; page.next !== null; pages += 1) {
      if (pages === MAX_PAGES)
        throw unexpectedResponse(this.options.instance, `GET ${path}: more than ${MAX_PAGES} pages`);
      page = await this.nextPage(page.next, schema);
      items.push(...page.items);
    }
    return items;
  }

  /** POST of a new record; BC answers 201 with it. */
  async create<T extends z.ZodType>(path: string, body: unknown, schema: T): Promise<z.output<T>> {
    return this.send({ method: 'POST', url: this.url(path, {}), data: body }, schema);
  }

  /** PATCH with If-Match (`*` when the record came without an etag); BC answers 200 with it. */
  async update<T extends z.ZodType>(
    path: string,
    body: unknown,
    etag: string | undefined,
    schema: T,
  ): Promise<z.output<T>> {
    return this.send(
      { method: 'PATCH', url: this.url(path, {}), data: body, headers: { 'If-Match': etag ?? bcManifest.etag.any } },
      schema,
    );
  }

  async remove(path: string, etag: string | undefined): Promise<void> {
    await this.http.request({
      method: 'DELETE',
      url: this.url(path, {}),
      headers: { 'If-Match': etag ?? bcManifest.etag.any },
    });
  }

  /** A bound action such as `salesInvoices(<id>)/Microsoft.NAV.post` (204, no body). */
  async action(path: string): Promise<void> {
    await this.http.request({ method: 'POST', url: this.url(path, {}) });
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  /**
   * A next link as a path below the API root. BC names its public host; a proxy or mock in
   * between may not, so only the part from `companies(` on is kept, and only for this company:
   * a link (or a caller's cursor) never sends our token anywhere else.
   */
  nextLinkPath(link: string): string {
    let target: URL;
    try {
      target = new URL(link, `${this.options.apiRoot}/`);
    } catch {
      throw unexpectedResponse(this.options.instance, 'next link is not a URL');
    }
    // GUIDs compare case-insensitively; BC may spell the company id in upper case.
    const at = target.pathname.toLowerCase().indexOf(`/${this.companyPath.toLowerCase()}/`);
    if (at < 0) throw unexpectedResponse(this.options.instance, 'next link leaves the company');
    return `${this.companyPath}${target.pathname.slice(at + 1 + this.companyPath.length)}${target.search}`;
  }

  /** Refuses a path from outside (a cursor) that is not below `companies(<id>)/<entitySet>`. */
  checkPagePath(path: string, entitySet: string): string {
    const prefix = `${this.companyPath}/${entitySet}?`;
    if (!path.startsWith(prefix) || path.includes('..') || path.includes('#'))
      throw invalidInput(this.options.instance, 'cursor is not one this connector issued');
    return path;
  }

  private async page<T extends z.ZodType>(url: string, schema: T): Promise<BcPage<z.output<T>>> {
    const headers = { Prefer: `${bcManifest.paging.preferHeader}=${this.options.pageSize}` };
    const body = await this.send({ method: 'GET', url, headers }, bcCollection(schema));
    const nextLink = body['@odata.nextLink'];
    return { items: body.value, next: nextLink === undefined ? null : this.nextLinkPath(nextLink) };
  }

  private url(path: string, query: ODataQuery): string {
    const search = queryString(query);
    return `${this.companyPath}/${path}${search === '' ? '' : `?${search}`}`;
  }

  private async send<T extends z.ZodType>(request: HttpRequest, schema: T): Promise<z.output<T>> {
    const response = await this.http.request(request);
    const result = schema.safeParse(response.data);
    if (result.success) return result.data;
    const issues = result.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
    throw unexpectedResponse(
      this.options.instance,
      `${request.method} ${request.url.split('?')[0] ?? ''}: ${issues.join('; ')}`,
    );
  }
}
