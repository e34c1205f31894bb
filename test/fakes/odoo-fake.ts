/**
 * A stateful, in-memory Odoo (node:http on port 0) speaking the JSON-RPC external API at
 * `/jsonrpc`: `common.authenticate` and `object.execute_kw` with API-key checks, the ORM
 * methods (search_read, search, search_count, read, create, write) and the business methods
 * the connector uses. Errors come back as Odoo sends them: HTTP 200 with
 * `{ error: { code: 200, message: 'Odoo Server Error', data: { name, message, debug } } }`; a
 * malformed JSON-RPC envelope gets HTTP 400. A reverse proxy's 429/503 can be injected.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { OdooFakeBusiness } from './odoo-fake-business';
import { OdooFakeError, OdooFakeOrm, type OdooRecord } from './odoo-fake-orm';
import { runOrmMethod } from './odoo-fake-methods';
import { FakeHttpServer } from './fake-http-server';

export interface OdooFakeOptions {
  db?: string;
  login?: string;
  /** Models the integration user may not touch (AccessError). */
  deniedModels?: string[];
}

const envelope = z.strictObject({
  jsonrpc: z.literal('2.0'),
  method: z.literal('call'),
  params: z.strictObject({
    service: z.enum(['common', 'object']),
    method: z.string().min(1),
    args: z.array(z.unknown()),
  }),
  id: z.union([z.number(), z.string()]),
});

export const INTEGRATION_UID = 2;

export class OdooFake extends FakeHttpServer {
  readonly db: string;
  readonly login: string;
  apiKey = randomBytes(20).toString('hex');
  readonly orm = new OdooFakeOrm();
  readonly business: OdooFakeBusiness;
  /** Every JSON-RPC call: service.method, and model.method for execute_kw. */
  readonly calls: string[] = [];
  private clock: number | null = null;
  private readonly injected: (
    | { kind: 'http'; status: number; retryAfterSeconds?: number }
    | { kind: 'rpc'; model: string; method: string; error: OdooFakeError }
  )[] = [];

  private constructor(private readonly options: OdooFakeOptions) {
    super();
    this.db = options.db ?? 'junction-test';
    this.login = options.login ?? 'integration@shop.example';
    this.business = new OdooFakeBusiness(
      this.orm,
      () => this.clock ?? Date.now(),
      () => this.currencyId('EUR'),
    );
    for (const name of ['EUR', 'USD', 'GBP']) this.orm.insert('res.currency', { name });
    this.orm.insert('product.pricelist', { name: 'Public Pricelist', currency_id: this.currencyId('EUR') });
    this.orm.insert('product.pricelist', { name: 'USD Pricelist', currency_id: this.currencyId('USD') });
    this.orm.insert('stock.location', { name: 'WH/Stock', usage: 'internal' });
    this.orm.insert('stock.location', { name: 'Partners/Customers', usage: 'customer' });
  }

  static async start(options: OdooFakeOptions = {}): Promise<OdooFake> {
    return new OdooFake(options).start();
  }

  setClock(at: number | null): void {
    this.clock = at;
  }

  count(model: string): number {
    return this.orm.table(model).size;
  }

  currencyId(code: string): number {
    return (this.orm.search('res.currency', [['name', '=', code]])[0] as OdooRecord).id;
  }

  // ---- setup ----
  seedPartner(values: Record<string, unknown>): OdooRecord {
    return this.orm.insert('res.partner', values);
  }

  seedProduct(sku: string, onHand = 0, reserved = 0): OdooRecord {
    const product = this.orm.insert('product.product', { name: `Product ${sku}`, default_code: sku });
    const [stock, customers] = [...this.orm.table('stock.location').values()];
    if (onHand > 0)
      this.orm.insert('stock.quant', {
        product_id: product.id,
        location_id: stock?.id,
        quantity: onHand,
        reserved_quantity: reserved,
      });
    // Stock at a customer's is not ours: getStock must not count it.
    this.orm.insert('stock.quant', {
      product_id: product.id,
      location_id: customers?.id,
      quantity: 7,
      reserved_quantity: 0,
    });
    return product;
  }

  // ---- fault injection ----
  /** The next call to model.method fails with this Odoo exception. */
  failNext(model: string, method: string, exception: string, message: string): void {
    this.injected.push({ kind: 'rpc', model, method, error: new OdooFakeError(exception, message) });
  }

  /** The next `count` requests get an HTTP error from the reverse proxy (429 Too Many Requests by default). */
  proxyErrorNext(count = 1, status = 429, retryAfterSeconds?: number): void {
    for (let i = 0; i < count; i++)
      this.injected.push({ kind: 'http', status, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) });
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const proxy = this.injected[0]?.kind === 'http' ? this.injected.shift() : undefined;
    if (proxy?.kind === 'http') {
      const headers: Record<string, string> = { 'Content-Type': 'text/html' };
      if (proxy.retryAfterSeconds !== undefined) headers['Retry-After'] = String(proxy.retryAfterSeconds);
      res.writeHead(proxy.status, headers).end(`<html><body><h1>${proxy.status}</h1>Try again later.</body></html>`);
      return;
    }
    const raw = await new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      req
        .on('data', (chunk: Buffer) => chunks.push(chunk))
        .on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    let id: unknown = null;
    try {
      if (req.method !== 'POST' || req.url !== '/jsonrpc')
        throw Object.assign(new OdooFakeError('werkzeug.exceptions.NotFound', '404 Not Found'), { http: 404 });
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        throw Object.assign(new OdooFakeError('werkzeug.exceptions.BadRequest', 'Invalid JSON data'), { http: 400 });
      }
      const parsed = envelope.safeParse(body);
      if (!parsed.success)
        throw Object.assign(
          new OdooFakeError(
            'werkzeug.exceptions.BadRequest',
            `Invalid JSON-RPC request: ${parsed.error.issues[0]?.path.join('.')}`,
          ),
          { http: 400 },
        );
      id = parsed.data.id;
      const result = this.dispatch(parsed.data.params.service, parsed.data.params.method, parsed.data.params.args);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id, result }));
    } catch (error) {
      const failure = error instanceof OdooFakeError ? error : new OdooFakeError('builtins.Exception', String(error));
      const status = (failure as { http?: number }).http ?? 200;
      const data = {
        name: failure.exception,
        debug: `Traceback (most recent call last):\n  ...\n${failure.exception}: ${failure.message}`,
        message: failure.message,
        arguments: [failure.message],
        context: {},
      };
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(
        JSON.stringify({
          jsonrpc: '2.0',
          id,
          error: { code: status === 404 ? 404 : 200, message: 'Odoo Server Error', data },
        }),
      );
    }
  }

  private dispatch(service: 'common' | 'object', method: string, args: unknown[]): unknown {
    this.calls.push(`${service}.${method}`);
    if (service === 'common') {
      if (method === 'version') return { server_version: '17.0', protocol_version: 1 };
      if (method !== 'authenticate' && method !== 'login')
        throw new OdooFakeError('builtins.AttributeError', `'common' service has no method '${method}'`);
      if (args.length !== (method === 'authenticate' ? 4 : 3))
        throw new OdooFakeError(
          'builtins.TypeError',
          `${method}() takes ${method === 'authenticate' ? 4 : 3} positional arguments but ${args.length} were given`,
        );
      return args[0] === this.db && args[1] === this.login && args[2] === this.apiKey ? INTEGRATION_UID : false;
    }
    if (method !== 'execute_kw')
      throw new OdooFakeError(
        'builtins.AttributeError',
        `'object' service has no method '${method}' here; use execute_kw`,
      );
    if (args.length < 6 || args.length > 7)
      throw new OdooFakeError(
        'builtins.TypeError',
        `execute_kw() takes 6 or 7 positional arguments but ${args.length} were given`,
      );
    const [db, uid, password, model, modelMethod, positional, kwargs = {}] = args;
    if (db !== this.db || uid !== INTEGRATION_UID || password !== this.apiKey)
      throw new OdooFakeError('odoo.exceptions.AccessDenied', 'Access Denied');
    if (
      typeof model !== 'string' ||
      typeof modelMethod !== 'string' ||
      !Array.isArray(positional) ||
      kwargs === null ||
      typeof kwargs !== 'object' ||
      Array.isArray(kwargs)
    ) {
      throw new OdooFakeError(
        'builtins.TypeError',
        'execute_kw(db, uid, password, model, method, args: list, kwargs: dict)',
      );
    }
    this.calls.push(`${model}.${modelMethod}`);
    const injected = this.injected.findIndex((i) => i.kind === 'rpc' && i.model === model && i.method === modelMethod);
    if (injected >= 0) throw (this.injected.splice(injected, 1)[0] as { error: OdooFakeError }).error;
    if (modelMethod.startsWith('_'))
      throw new OdooFakeError(
        'odoo.exceptions.AccessError',
        `Private methods (such as ${modelMethod}) cannot be called remotely.`,
      );
    if (this.options.deniedModels?.includes(model)) {
      throw new OdooFakeError(
        'odoo.exceptions.AccessError',
        `You are not allowed to access '${model}' records.\n\nThis operation is allowed for the following groups:\n\t- Purchase/User\n\nContact your administrator to request access if necessary.`,
      );
    }
    return runOrmMethod(this.orm, this.business, model, modelMethod, positional, kwargs as Record<string, unknown>);
  }
}
