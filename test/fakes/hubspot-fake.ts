/**
 * A stateful, in-memory HubSpot CRM v3 (node:http on port 0) that follows the public API
 * reference: private-app bearer auth, objects, search with `after` paging and the 10,000-result
 * cap, batch upsert by unique property, `{ status, message, category, correlationId }` error
 * bodies, X-HubSpot-RateLimit-* headers on every answer and 429s naming their policy when a
 * budget is spent (hubspot-fake-rate-limit.ts). Request bodies are validated strictly.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  batchUpsertBody,
  createBody,
  HubSpotFakeError,
  OBJECT_TYPES,
  parseBody,
  searchBody,
  updateBody,
  type FakeObjectType,
} from './hubspot-fake-schema';
import {
  HubSpotFakeRateLimit,
  rateLimitBody,
  type HubSpotFakeRateLimitOptions,
  type HubSpotPolicy,
} from './hubspot-fake-rate-limit';
import { HubSpotFakeStore, notFound, type FakeRecord } from './hubspot-fake-store';
import { FakeHttpServer } from './fake-http-server';

export interface HubSpotFakeOptions {
  token?: string;
  /** Accepts bearer tokens another server issued (an OAuth2 public app); default: only `token`. */
  acceptToken?: (token: string) => boolean;
  currencies?: string[];
  searchResultCap?: number;
  /** The portal's budgets (defaults: 190 per 10 s, 1 000 000 a day, search unlimited). */
  rateLimit?: HubSpotFakeRateLimitOptions;
}

interface Throttle {
  retryAfterSeconds?: number;
  policy?: HubSpotPolicy;
}

export class HubSpotFake extends FakeHttpServer {
  readonly token: string;
  readonly store: HubSpotFakeStore;
  /** Every request that reached the fake, for assertions on what a connector sent. */
  readonly requests: { method: string; path: string; body: unknown }[] = [];
  /** The portal's rate limits: what is left, and the 429s answered. */
  readonly rateLimit: HubSpotFakeRateLimit;
  private clock: number | null = null;
  private readonly throttles: Throttle[] = [];

  private constructor(private readonly options: HubSpotFakeOptions) {
    super();
    this.token = options.token ?? `pat-na1-${randomUUID()}`;
    this.rateLimit = new HubSpotFakeRateLimit(options.rateLimit);
    this.store = new HubSpotFakeStore({
      currencies: options.currencies ?? ['EUR', 'USD'],
      searchResultCap: options.searchResultCap ?? 10_000,
      now: () => this.now(),
    });
  }

  static async start(options: HubSpotFakeOptions = {}): Promise<HubSpotFake> {
    return new HubSpotFake(options).start();
  }

  /** Freezes the fake's clock (records modified now share this lastmodifieddate) or unfreezes it. */
  setClock(at: number | null): void {
    this.clock = at;
  }

  now(): number {
    return this.clock ?? Date.now();
  }

  /** The next `count` requests get 429 for `policy` (default the ten-secondly limit), with Retry-After when given. */
  throttleNext(count = 1, options: Throttle = {}): void {
    for (let i = 0; i < count; i++) this.throttles.push(options);
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    let body: unknown;
    let limitHeaders = this.rateLimit.headers();
    try {
      const raw = await readBody(req);
      if (raw !== '') {
        try {
          body = JSON.parse(raw);
        } catch {
          throw new HubSpotFakeError(400, 'VALIDATION_ERROR', 'Invalid input JSON on line 1');
        }
      }
      this.requests.push({ method: req.method ?? 'GET', path: url.pathname, body });
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      if (bearer !== this.token && !this.options.acceptToken?.(bearer)) {
        throw new HubSpotFakeError(
          401,
          'INVALID_AUTHENTICATION',
          'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
        );
      }
      const throttle = this.throttles.shift();
      if (throttle)
        return this.tooManyRequests(
          res,
          this.rateLimit.reject(throttle.policy ?? 'TEN_SECONDLY_ROLLING'),
          throttle.retryAfterSeconds,
        );
      const verdict = this.rateLimit.admit(req.method === 'POST' && url.pathname.endsWith('/search'));
      if (verdict.policy !== undefined) return this.tooManyRequests(res, verdict);
      limitHeaders = verdict.headers;
      this.send(res, 200, this.route(req.method ?? 'GET', url, body), limitHeaders);
    } catch (error) {
      const failure =
        error instanceof HubSpotFakeError ? error : new HubSpotFakeError(500, 'INTERNAL_ERROR', 'internal error');
      this.send(
        res,
        failure.status,
        { status: 'error', message: failure.message, correlationId: randomUUID(), category: failure.category },
        limitHeaders,
      );
    }
  }

  private route(method: string, url: URL, body: unknown): unknown {
    const match = /^\/crm\/v3\/objects\/([a-z]+)(?:\/([^/]+))?(?:\/([a-z]+))?$/.exec(url.pathname);
    const type = match?.[1] as FakeObjectType | undefined;
    if (!match || !type || !OBJECT_TYPES.includes(type))
      throw new HubSpotFakeError(404, 'OBJECT_NOT_FOUND', `Unable to route ${method} ${url.pathname}`);
    const [, , id, action] = match;
    const properties = (url.searchParams.get('properties') ?? '').split(',').filter(Boolean);
    const view = (r: FakeRecord, props: string[]) => this.view(type, r, props);
    if (method === 'GET' && id === undefined)
      return {
        results: [...this.store.records[type].values()]
          .slice(0, Number(url.searchParams.get('limit') ?? 10))
          .map((r) => view(r, properties)),
      };
    if (method === 'GET' && id !== undefined && action === undefined) {
      const record = this.store.get(type, decodeURIComponent(id), url.searchParams.get('idProperty') ?? undefined);
      if (!record) throw notFound();
      return view(record, properties);
    }
    if (method === 'POST' && id === undefined) {
      const request = parseBody(createBody, body);
      const associations = (request.associations ?? []).flatMap((a) =>
        a.types.map((t) => ({ toId: a.to.id, typeId: t.associationTypeId })),
      );
      return view(this.store.create(type, request.properties, associations), Object.keys(request.properties));
    }
    if (method === 'PATCH' && id !== undefined && action === undefined) {
      const request = parseBody(updateBody, body);
      return view(this.store.update(type, decodeURIComponent(id), request.properties), Object.keys(request.properties));
    }
    if (method === 'POST' && id === 'search' && action === undefined) {
      const request = parseBody(searchBody, body);
      const page = this.store.search(type, request);
      const props = this.store.searchProperties(type, request.properties);
      const next =
        page.nextAfter === undefined
          ? {}
          : { paging: { next: { after: page.nextAfter, link: `${this.url}${url.pathname}?after=${page.nextAfter}` } } };
      return { total: page.total, results: page.results.map((r) => view(r, props)), ...next };
    }
    if (method === 'POST' && id === 'batch' && action === 'upsert') return this.batchUpsert(type, body);
    throw new HubSpotFakeError(404, 'OBJECT_NOT_FOUND', `Unable to route ${method} ${url.pathname}`);
  }

  private batchUpsert(type: FakeObjectType, body: unknown): unknown {
    const startedAt = new Date(this.now()).toISOString();
    const results = parseBody(batchUpsertBody, body).inputs.map((input) => {
      const existing = this.store.get(type, input.id, input.idProperty);
      const properties = { ...input.properties, [input.idProperty]: input.id };
      if (existing)
        return {
          ...this.view(type, this.store.update(type, existing.id, properties), Object.keys(properties)),
          new: false,
        };
      return { ...this.view(type, this.store.create(type, properties), Object.keys(properties)), new: true };
    });
    return { status: 'COMPLETE', results, startedAt, completedAt: new Date(this.now()).toISOString() };
  }

  private view(type: FakeObjectType, record: FakeRecord, properties: string[]): Record<string, unknown> {
    const names = new Set([
      ...properties,
      'hs_object_id',
      'createdate',
      type === 'contacts' ? 'lastmodifieddate' : 'hs_lastmodifieddate',
    ]);
    const values = Object.fromEntries([...names].map((name) => [name, this.store.value(type, record, name)]));
    return {
      id: record.id,
      properties: values,
      createdAt: new Date(record.createdAt).toISOString(),
      updatedAt: new Date(record.updatedAt).toISOString(),
      archived: false,
    };
  }

  private tooManyRequests(
    res: ServerResponse,
    verdict: { policy?: HubSpotPolicy; headers: Record<string, string> },
    retryAfterSeconds?: number,
  ): void {
    const headers =
      retryAfterSeconds === undefined
        ? verdict.headers
        : { ...verdict.headers, 'Retry-After': String(retryAfterSeconds) };
    this.send(res, 429, rateLimitBody(verdict.policy ?? 'TEN_SECONDLY_ROLLING', randomUUID()), headers);
  }

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
    res.writeHead(status, { 'Content-Type': 'application/json;charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
