/**
 * Odoo's JSON-RPC external API over the shared HTTP client: `common.authenticate` once for the
 * uid (cached; forgotten after AccessDenied so a rotated key is picked up), then
 * `object.execute_kw(db, uid, apiKey, model, method, args, kwargs)`. Transport failures are
 * classified by the HTTP layer (retryable); JSON-RPC errors by odoo-errors.ts. The body carries
 * the API key: the HTTP layer never logs bodies, and errors never include the request.
 */
import { z } from 'zod';
import { ConnectorError, isConnectorError } from '../../connector-error';
import { ConnectorErrorCode } from '../../connector-error-codes';
import type { HttpClient } from '../../http';
import { odooManifest } from './odoo.manifest';
import { odooRpcError, odooUnexpected } from './odoo-errors';
import { createdId, rpcEnvelope, type OdooDomain } from './odoo.schemas';

export interface OdooLogin {
  db: string;
  login: string;
  apiKey: string;
}

export interface SearchReadOptions {
  limit?: number;
  offset?: number;
  /** e.g. `create_date asc, id asc` */
  order?: string;
}

export class OdooRpcClient {
  private uid: Promise<number> | null = null;
  private requestId = 0;

  constructor(
    private readonly http: HttpClient,
    private readonly login: OdooLogin,
    private readonly instance: string,
  ) {}

  /** Releases what the HTTP client holds (a Redis connection of its rate limit, breaker timers). */
  close(): Promise<void> {
    return this.http.close();
  }

  /** The integration user's id, authenticated once per client. */
  userId(): Promise<number> {
    this.uid ??= this.authenticate().catch((error: unknown) => {
      this.uid = null;
      throw error;
    });
    return this.uid;
  }

  async execute<S extends z.ZodType>(
    model: string,
    method: string,
    args: unknown[],
    kwargs: Record<string, unknown>,
    schema: S,
  ): Promise<z.output<S>> {
    const uid = await this.userId();
    try {
      return await this.call(
        'object',
        'execute_kw',
        [this.login.db, uid, this.login.apiKey, model, method, args, kwargs],
        schema,
        `${model}.${method}`,
      );
    } catch (error) {
      if (isConnectorError(error) && error.code === ConnectorErrorCode.Unauthorized) this.uid = null;
      throw error;
    }
  }

  searchRead<S extends z.ZodType>(
    model: string,
    domain: OdooDomain,
    fields: string[],
    row: S,
    options: SearchReadOptions = {},
  ): Promise<z.output<S>[]> {
    return this.execute(model, 'search_read', [domain], { fields, ...options }, z.array(row));
  }

  /** Reads records by id; an id that does not exist is Odoo's MissingError (NOT_FOUND). */
  read<S extends z.ZodType>(model: string, ids: number[], fields: string[], row: S): Promise<z.output<S>[]> {
    return this.execute(model, 'read', [ids], { fields }, z.array(row));
  }

  create(model: string, values: Record<string, unknown>): Promise<number> {
    return this.execute(model, 'create', [values], {}, createdId);
  }

  async write(model: string, ids: number[], values: Record<string, unknown>): Promise<void> {
    await this.execute(model, 'write', [ids, values], {}, z.literal(true));
  }

  /** A public business method on records (`action_confirm`, `action_post`); its result is not used. */
  async action(model: string, method: string, ids: number[], context?: Record<string, unknown>): Promise<void> {
    await this.execute(model, method, [ids], context ? { context } : {}, z.unknown());
  }

  private async authenticate(): Promise<number> {
    const { db, login, apiKey } = this.login;
    const uid = await this.call(
      'common',
      'authenticate',
      [db, login, apiKey, {}],
      z.union([z.number().int().positive(), z.literal(false)]),
      'authenticate',
    );
    if (uid === false) {
      throw new ConnectorError(`${this.instance}: Odoo refused the login`, {
        code: ConnectorErrorCode.Unauthorized,
        retryable: false,
        vendorMessage: `Access Denied: database "${db}", login "${login}"`,
      });
    }
    return uid;
  }

  private async call<S extends z.ZodType>(
    service: 'common' | 'object',
    method: string,
    args: unknown[],
    schema: S,
    what: string,
  ): Promise<z.output<S>> {
    const id = ++this.requestId;
    const body = await this.http.post(odooManifest.endpoint, {
      jsonrpc: '2.0',
      method: 'call',
      params: { service, method, args },
      id,
    });
    const envelope = rpcEnvelope.safeParse(body);
    if (!envelope.success) throw odooUnexpected(this.instance, what, 'not a JSON-RPC 2.0 response');
    if (envelope.data.error !== undefined) throw odooRpcError(envelope.data.error, this.instance, what);
    const result = schema.safeParse(envelope.data.result);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw odooUnexpected(this.instance, what, `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
    }
    return result.data;
  }
}
