/**
 * A stateful, in-memory Salesforce org (node:http on port 0) following the public REST API
 * reference: the OAuth token endpoint (salesforce-fake-oauth.ts), bearer sessions that answer
 * 401 INVALID_SESSION_ID once expired, sObject rows by id and by External ID (upsert: 201/200,
 * 300 on several matches), the Query resource with a SOQL subset and `nextRecordsUrl` query
 * locators in small batches, Composite with allOrNone rollback, `[{ message, errorCode, fields }]`
 * error bodies, `Sforce-Limit-Info` on every API response and 403 REQUEST_LIMIT_EXCEEDED.
 */
import type { KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeHttpServer } from './fake-http-server';
import { readBody } from './listen';
import { runComposite } from './salesforce-fake-composite';
import { SalesforceFakeOAuth } from './salesforce-fake-oauth';
import { notFound, ORG_SCHEMA, SalesforceFakeError, type Answer, type SObjectType } from './salesforce-fake-schema';
import { SalesforceFakeStore, type FakeRecord } from './salesforce-fake-store';

export interface SalesforceFakeOptions {
  clientId?: string;
  clientSecret?: string;
  jwt?: { publicKey: KeyObject; username: string; audience: string };
  /** Records per query batch (Salesforce: 200..2000, default 2000); small to exercise paging. */
  batchSize?: number;
}

const API_LIMIT = 15_000;
export class SalesforceFake extends FakeHttpServer {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly store = new SalesforceFakeStore(() => this.now());
  readonly oauth: SalesforceFakeOAuth;
  /** Every API request (not token requests), for assertions on what a connector sent. */
  readonly requests: {
    method: string;
    path: string;
    query: Record<string, string>;
    headers: Record<string, string | undefined>;
    body: unknown;
    status?: number;
  }[] = [];
  private clock: number | null = null;
  private apiUsage = 0;
  private limitExceeded = 0;
  private readonly locators = new Map<string, { type: SObjectType; fields: string[]; ids: string[] }>();
  private beforeComposite: (() => void) | undefined;

  private constructor(private readonly options: SalesforceFakeOptions) {
    super();
    this.clientId = options.clientId ?? '3MVG9fakeConsumerKey';
    this.clientSecret = options.clientSecret ?? 'fake-consumer-secret';
    this.oauth = new SalesforceFakeOAuth({
      clientId: this.clientId,
      clientSecret: this.clientSecret,
      ...(options.jwt ? { jwt: options.jwt } : {}),
    });
  }

  static async start(options: SalesforceFakeOptions = {}): Promise<SalesforceFake> {
    return new SalesforceFake(options).start();
  }

  get tokenUrl(): string {
    return `${this.url}/services/oauth2/token`;
  }

  /** Freezes the clock (records written now share its second) or unfreezes it. */
  setClock(at: number | null): void {
    this.clock = at;
  }

  now(): number {
    return this.clock ?? Date.now();
  }

  /** The next `count` API requests find the org's daily limit used up. */
  exceedRequestLimit(count = 1): void {
    this.limitExceeded += count;
  }

  /** Query locators expire after 15 idle minutes; this ends them all now. */
  expireQueryLocators(): void {
    this.locators.clear();
  }

  /** Runs `change` just before the next composite request is executed (a concurrent writer). */
  beforeNextComposite(change: () => void): void {
    this.beforeComposite = change;
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const raw = await readBody(req);
    if (url.pathname === '/services/oauth2/token' && req.method === 'POST') {
      const answer = this.oauth.token(new URLSearchParams(raw), req.headers.authorization, this.url);
      return this.send(res, { status: answer.status, body: answer.body }, false);
    }
    const entry: SalesforceFake['requests'][number] = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers } as Record<string, string | undefined>,
      body: undefined,
    };
    this.requests.push(entry);
    let answer: Answer;
    try {
      const token = req.headers.authorization?.startsWith('Bearer ') ? req.headers.authorization.slice(7) : '';
      if (!this.oauth.isValid(token))
        throw new SalesforceFakeError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
      this.apiUsage += 1;
      if (this.limitExceeded > 0) {
        this.limitExceeded -= 1;
        throw new SalesforceFakeError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
      }
      if (raw !== '') {
        if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
          throw new SalesforceFakeError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json');
        entry.body = JSON.parse(raw);
      }
      answer = this.route(entry.method, url, entry.body, req.headers['sforce-query-options']);
    } catch (error) {
      const failure =
        error instanceof SalesforceFakeError
          ? error
          : error instanceof SyntaxError
            ? new SalesforceFakeError(400, 'JSON_PARSER_ERROR', 'Unexpected character in JSON body')
            : new SalesforceFakeError(500, 'UNKNOWN_EXCEPTION', 'An unexpected error occurred.');
      answer = { status: failure.status, body: failure.body() };
    }
    entry.status = answer.status;
    this.send(res, answer, true);
  }

  private route(method: string, url: URL, body: unknown, queryOptions?: string | string[]): Answer {
    const match = /^\/services\/data\/(v\d{2,3}\.0)(\/.*)$/.exec(url.pathname);
    if (!match) throw new SalesforceFakeError(404, 'NOT_FOUND', 'The requested resource does not exist');
    const [, version, rest] = match as unknown as [string, string, string];
    const [, resource, a, b, c] = rest.split('/').map(decodeURIComponent);
    const type = a as SObjectType;
    const isType = resource === 'sobjects' && ORG_SCHEMA[type] !== undefined;
    const fields = url.searchParams.get('fields')?.split(',');
    if (method === 'GET' && resource === 'query' && a === undefined)
      return this.query(version, url.searchParams.get('q') ?? '', queryOptions);
    if (method === 'GET' && resource === 'query' && a !== undefined && b === undefined)
      return this.queryMore(version, a);
    if (method === 'POST' && resource === 'composite' && a === undefined) return this.composite(body);
    if (!isType) throw notFound();
    if (method === 'POST' && b === undefined) {
      const record = this.store.create(type, body);
      return {
        status: 201,
        body: { id: record.Id, success: true, errors: [] },
        headers: { Location: `/services/data/${version}/sobjects/${type}/${record.Id}` },
      };
    }
    if (b !== undefined && c === undefined) {
      const record = this.store.get(type, b);
      if (!record) throw notFound();
      if (method === 'GET') return { status: 200, body: this.render(version, type, record, fields) };
      if (method === 'PATCH') {
        this.store.update(type, record.Id, body);
        return { status: 204 };
      }
    }
    if (b !== undefined && c !== undefined) {
      const matches = this.store.byExternalId(type, b, c);
      if (matches.length > 1)
        return { status: 300, body: matches.map((r) => `/services/data/${version}/sobjects/${type}/${r.Id}`) };
      if (method === 'GET' && !matches[0]) throw notFound();
      if (method === 'GET') return { status: 200, body: this.render(version, type, matches[0]!, fields) };
      if (method === 'PATCH' && matches[0])
        return {
          status: 200,
          body: { id: this.store.update(type, matches[0].Id, body).Id, success: true, errors: [], created: false },
        };
      if (method === 'PATCH')
        return {
          status: 201,
          body: {
            id: this.store.create(type, { ...(body as object), [b]: c }).Id,
            success: true,
            errors: [],
            created: true,
          },
        };
    }
    throw new SalesforceFakeError(
      405,
      'METHOD_NOT_ALLOWED',
      `HTTP Method '${method}' not allowed. Allowed are GET,PATCH,HEAD,DELETE`,
    );
  }

  private query(version: string, soql: string, queryOptions?: string | string[]): Answer {
    const { query, type, ids } = this.store.select(soql);
    const requested = Number(/batchSize=(\d+)/.exec(String(queryOptions ?? ''))?.[1] ?? 2000);
    const batch = Math.min(this.options.batchSize ?? 2000, Math.min(Math.max(requested, 200), 2000));
    const locator = `01g5g00000${String(this.locators.size + 1).padStart(5, '0')}`;
    this.locators.set(locator, { type, fields: query.fields, ids });
    return this.batch(version, locator, 0, batch);
  }

  private queryMore(version: string, locatorAndOffset: string): Answer {
    const [locator = '', offset = ''] = locatorAndOffset.split('-');
    if (!this.locators.has(locator) || !/^\d+$/.test(offset))
      throw new SalesforceFakeError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    return this.batch(version, locator, Number(offset), this.options.batchSize ?? 2000);
  }

  private batch(version: string, locator: string, offset: number, size: number): Answer {
    const { type, fields, ids } = this.locators.get(locator)!;
    const records = ids.slice(offset, offset + size).flatMap((id) => this.store.get(type, id) ?? []);
    const done = offset + size >= ids.length;
    return {
      status: 200,
      body: {
        totalSize: ids.length,
        done,
        ...(done ? {} : { nextRecordsUrl: `/services/data/${version}/query/${locator}-${offset + size}` }),
        records: records.map((r) => this.render(version, type, r, fields)),
      },
    };
  }

  private composite(body: unknown): Answer {
    const change = this.beforeComposite;
    this.beforeComposite = undefined;
    change?.();
    return {
      status: 200,
      body: runComposite(body, this.store, (method, url, subBody) =>
        this.route(method, new URL(url, this.url), subBody),
      ),
    };
  }

  private render(
    version: string,
    type: SObjectType,
    record: FakeRecord,
    fields = Object.keys(ORG_SCHEMA[type]),
  ): Record<string, unknown> {
    const attributes = (t: SObjectType, id: string) => ({
      type: t,
      url: `/services/data/${version}/sobjects/${t}/${id}`,
    });
    const out: Record<string, unknown> = { attributes: attributes(type, record.Id) };
    for (const field of fields) {
      const def = this.store.fieldDef(type, field);
      const value = this.store.value(type, record, field);
      const shown =
        def.type === 'datetime' && typeof value === 'number'
          ? new Date(value).toISOString().replace('Z', '+0000')
          : value;
      const [head, tail] = field.split('.');
      if (tail === undefined) out[field] = shown;
      else
        out[head!] =
          value === null && !record[`${head}Id`]
            ? null
            : { attributes: attributes(head as SObjectType, String(record[`${head}Id`])), [tail]: shown };
    }
    return out;
  }

  private send(res: ServerResponse, answer: Answer, api: boolean): void {
    const headers: Record<string, string> = {
      ...(answer.body !== undefined ? { 'Content-Type': 'application/json;charset=UTF-8' } : {}),
      ...answer.headers,
    };
    if (api) headers['Sforce-Limit-Info'] = `api-usage=${this.apiUsage}/${API_LIMIT}`;
    res.writeHead(answer.status, headers);
    res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
  }
}
