/**
 * A stateful Microsoft Dynamics 365 Business Central API v1.0 fake (node:http, port 0) for one
 * company, with BC's habits: bearer tokens checked against the token server, OData v4 JSON,
 * `@odata.etag` and If-Match (412 when stale), server-driven paging with `Prefer:
 * odata.maxpagesize` and `@odata.nextLink` on BC's public host, `{ error: { code, message } }`
 * bodies. Records and business rules live in business-central-fake-store.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FilterError, parseFilter, type FakeRecord } from './business-central-fake-odata';
import { bcError, BcFakeStore, type FakeAnswer } from './business-central-fake-store';
import { FakeHttpServer } from './fake-http-server';
import { readBody, sendJson } from './listen';

export interface BcFakeOptions {
  companyId: string;
  /** false answers 401, as BC does for an expired or unknown token. */
  isValidToken: (token: string | undefined) => boolean;
}

export interface BcFakeRequest {
  method: string;
  /** Below the company, e.g. `salesOrders(<id>)/salesOrderLines`. */
  path: string;
  query: URLSearchParams;
  ifMatch: string | undefined;
}

export type FailureMatch = (request: BcFakeRequest, body: FakeRecord) => boolean;

/** Where BC says the next page is: its public host, not the one the client called. */
export const PUBLIC_API_ROOT = 'https://api.businesscentral.dynamics.com/v2.0/tenant/production/api/v1.0';
const ROUTE = /^([A-Za-z]+)(?:\(([^)]+)\))?(?:\/(salesOrderLines|Microsoft\.NAV\.[A-Za-z]+))?$/;

export class BusinessCentralFake extends FakeHttpServer {
  readonly store = new BcFakeStore();
  readonly requests: BcFakeRequest[] = [];
  private readonly failures: { matches: FailureMatch; answer: FakeAnswer }[] = [];

  constructor(private readonly options: BcFakeOptions) {
    super();
  }

  /** The API root to configure as `baseUrl`. */
  get apiRoot(): string {
    return `${this.url}/api/v1.0`;
  }

  /** The next request with this method (and matching `where`) is answered with `answer` instead. */
  failNext(method: string, answer: FakeAnswer, where: FailureMatch = () => true): void {
    this.failures.push({ matches: (request, body) => request.method === method && where(request, body), answer });
  }

  writes(method?: string): BcFakeRequest[] {
    return this.requests.filter((r) => r.method !== 'GET' && (method === undefined || r.method === method));
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const authorization = req.headers.authorization;
    if (!this.options.isValidToken(authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined)) {
      return send(res, bcError(401, 'Unauthorized', 'The credentials provided are incorrect'));
    }
    const prefix = `/api/v1.0/companies(${this.options.companyId})`;
    if (!url.pathname.startsWith(prefix))
      return send(res, bcError(404, 'BadRequest_NotFound', 'The company does not exist.'));
    const path = decodeURIComponent(url.pathname.slice(prefix.length + 1));
    const ifMatch = typeof req.headers['if-match'] === 'string' ? req.headers['if-match'] : undefined;
    this.requests.push({ method, path, query: url.searchParams, ifMatch });
    try {
      const body = text === '' ? {} : (JSON.parse(text) as FakeRecord);
      const failure = this.failures.findIndex((f) => f.matches(this.requests.at(-1)!, body));
      if (failure >= 0) return send(res, this.failures.splice(failure, 1)[0]!.answer);
      return send(
        res,
        this.route(
          method,
          path,
          url.searchParams,
          body,
          ifMatch,
          typeof req.headers.prefer === 'string' ? req.headers.prefer : undefined,
        ),
      );
    } catch (error) {
      if (error instanceof FilterError) return send(res, bcError(400, 'BadRequest', error.message));
      throw error;
    }
  }

  private route(
    method: string,
    path: string,
    query: URLSearchParams,
    body: FakeRecord,
    ifMatch: string | undefined,
    prefer: string | undefined,
  ): FakeAnswer {
    const [, set = '', id, child] = ROUTE.exec(path) ?? [];
    if (!BcFakeStore.isEntitySet(set)) return bcError(404, 'BadRequest_NotFound', `No resource ${path}`);
    if (child === 'Microsoft.NAV.shipAndInvoice' && method === 'POST' && id) return this.store.shipAndInvoice(id);
    if (child === 'Microsoft.NAV.cancel' && method === 'POST' && id && set === 'salesInvoices')
      return this.store.cancelInvoice(id);
    if (child === 'Microsoft.NAV.send' && method === 'POST' && id) {
      if (!this.store.sets.salesInvoices.has(id))
        return bcError(404, 'BadRequest_NotFound', 'The invoice does not exist.');
      this.store.sent.push(id);
      return { status: 204 };
    }
    if (child === 'salesOrderLines') {
      if (method === 'POST') return created(this.store.create('salesOrderLines', body, id));
      return this.collection(this.store.linesOf(id ?? ''), path, query, prefer);
    }
    if (id === undefined) {
      if (method === 'POST') return created(this.store.create(set, body));
      return this.collection([...this.store.sets[set].values()], path, query, prefer);
    }
    const record = this.store.sets[set].get(id);
    if (!record) return bcError(404, 'BadRequest_NotFound', `The ${set} record does not exist.`);
    if (method === 'GET') return { status: 200, body: record };
    if (ifMatch !== '*' && ifMatch !== record['@odata.etag'])
      return bcError(412, 'Request_EntityChanged', 'Another user has already changed the record.');
    if (method === 'PATCH') return { status: 200, body: this.store.patch(record, body) };
    if (method === 'DELETE' && set === 'salesOrders') {
      this.store.deleteOrder(id);
      return { status: 204 };
    }
    return bcError(405, 'BadRequest_MethodNotAllowed', `${method} ${set} is not supported by the fake`);
  }

  /** `$filter`, `$top`, and pages of `odata.maxpagesize` linked by `$skiptoken`. */
  private collection(
    records: FakeRecord[],
    path: string,
    query: URLSearchParams,
    prefer: string | undefined,
  ): FakeAnswer {
    const matching = records.filter(parseFilter(query.get('$filter')));
    const top = query.has('$top') ? Number(query.get('$top')) : Infinity;
    const pageSize = Number(/odata\.maxpagesize=(\d+)/.exec(prefer ?? '')?.[1] ?? 20_000);
    const skip = Number(query.get('$skiptoken') ?? 0);
    const all = matching.slice(0, top);
    const value = all.slice(skip, skip + pageSize);
    if (skip + pageSize >= all.length) return { status: 200, body: { value } };
    const next = new URL(`${PUBLIC_API_ROOT}/companies(${this.options.companyId})/${path}`);
    for (const [key, v] of query) if (key !== '$skiptoken') next.searchParams.set(key, v);
    next.searchParams.set('$skiptoken', String(skip + pageSize));
    return { status: 200, body: { value, '@odata.nextLink': next.toString() } };
  }
}

function created(result: FakeRecord | FakeAnswer): FakeAnswer {
  return 'status' in result && typeof result.status === 'number'
    ? (result as FakeAnswer)
    : { status: 201, body: result };
}

function send(res: ServerResponse, answer: FakeAnswer): void {
  if (answer.body === undefined) {
    res.writeHead(answer.status);
    res.end();
    return;
  }
  sendJson(res, answer.status, answer.body);
}
