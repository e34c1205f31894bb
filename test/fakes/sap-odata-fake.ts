/**
 * A stateful SAP S/4HANA fake (node:http, port 0) speaking OData v2 JSON for the three services
 * the connector uses, with SAP Gateway's habits: basic auth, `sap-client`, CSRF tokens bound to
 * a session cookie, `{ error: { code, message: { value } } }` bodies, and optional server-side
 * paging with `__next`. Business rules live in sap-odata-fake-store.ts.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SapFakeStore, type FakeAnswer } from './sap-odata-fake-store';
import { FakeHttpServer } from './fake-http-server';

export interface SapFakeOptions {
  username: string;
  password: string;
  /** The only `sap-client` accepted. */
  client: string;
}

export interface SapFakeRequest {
  method: string;
  service: string;
  /** Path below the service root, decoded, e.g. `A_SalesOrder('1')/to_Item`. */
  path: string;
  query: URLSearchParams;
  csrfToken: string | undefined;
}

const SERVICE_ROOT =
  /^\/sap\/opu\/odata\/sap\/(API_BUSINESS_PARTNER|API_SALES_ORDER_SRV|API_MATERIAL_STOCK_SRV)\/(.*)$/;
const SESSION_COOKIE = 'SAP_SESSIONID_J01_100';

export function odataError(status: number, code: string, message: string): FakeAnswer {
  return { status, body: { error: { code, message: { lang: 'en', value: message } } } };
}

export class SapODataFake extends FakeHttpServer {
  readonly store = new SapFakeStore();
  readonly requests: SapFakeRequest[] = [];
  csrfFetches = 0;
  /** Session id → the token it was given. */
  private readonly sessions = new Map<string, string>();
  private readonly failures: { method: string; answer: FakeAnswer }[] = [];

  constructor(private readonly options: SapFakeOptions) {
    super();
  }

  /** Every session ends (a Gateway restart, a timeout): the next write is answered 403. */
  expireSessions(): void {
    this.sessions.clear();
  }

  /** The next request with this method is answered with `answer` instead. */
  failNext(method: string, answer: FakeAnswer): void {
    this.failures.push({ method, answer });
  }

  writes(method?: string): SapFakeRequest[] {
    return this.requests.filter((r) => r.method !== 'GET' && (method === undefined || r.method === method));
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const match = SERVICE_ROOT.exec(url.pathname);
    const method = req.method ?? 'GET';
    const csrfToken = header(req, 'x-csrf-token');
    if (!match) return send(res, odataError(404, '/IWFND/MED/170', `No service found for ${url.pathname}`));
    const request: SapFakeRequest = {
      method,
      service: match[1] ?? '',
      path: decodeURIComponent(match[2] ?? ''),
      query: url.searchParams,
      csrfToken,
    };
    this.requests.push(request);

    const expected = `Basic ${Buffer.from(`${this.options.username}:${this.options.password}`).toString('base64')}`;
    if (req.headers.authorization !== expected)
      return send(res, {
        status: 401,
        text: 'Logon failed',
        headers: { 'www-authenticate': 'Basic realm="SAP NetWeaver"' },
      });
    if (url.searchParams.get('sap-client') !== this.options.client)
      return send(res, odataError(400, '/IWFND/CM_BEC/026', 'Client is not valid'));

    const extra: Record<string, string | string[]> = {};
    if (method === 'GET' && csrfToken?.toLowerCase() === 'fetch') {
      this.csrfFetches += 1;
      const session = randomBytes(8).toString('hex');
      const token = randomBytes(12).toString('base64');
      this.sessions.set(session, token);
      extra['x-csrf-token'] = token;
      extra['set-cookie'] = [
        `${SESSION_COOKIE}=${session}; path=/; HttpOnly`,
        `sap-usercontext=sap-client=${this.options.client}; path=/; expires=Wed, 21 Oct 2099 07:28:00 GMT`,
      ];
    } else if (method !== 'GET') {
      const session = /(?:^|;\s*)SAP_SESSIONID_J01_100=([^;]+)/.exec(header(req, 'cookie') ?? '')?.[1];
      const known = session === undefined ? undefined : this.sessions.get(session);
      if (known === undefined || known !== csrfToken)
        return send(res, {
          status: 403,
          text: 'CSRF token validation failed',
          headers: { 'x-csrf-token': 'Required' },
        });
    }

    const failureAt = this.failures.findIndex((f) => f.method === method);
    if (failureAt >= 0)
      return send(res, this.failures.splice(failureAt, 1)[0]?.answer ?? odataError(500, 'FAKE', 'no answer'));

    let body: unknown;
    try {
      body = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
    } catch {
      return send(res, odataError(400, '/IWFND/CM_MGW/004', 'Malformed JSON body'));
    }
    const answer = this.store.answer({ ...request, body, ifMatch: header(req, 'if-match') });
    return send(res, { ...answer, headers: { ...answer.headers, ...extra } });
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function send(res: ServerResponse, answer: FakeAnswer): void {
  if (answer.text !== undefined) {
    res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
    res.end(answer.text);
    return;
  }
  if (answer.body === undefined) {
    res.writeHead(answer.status, answer.headers);
    res.end();
    return;
  }
  res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
  res.end(JSON.stringify(answer.body));
}
