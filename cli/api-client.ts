import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance, type Method } from 'axios';
import { ApiError, CliError, UnreachableError, type Problem } from './cli-errors';
import { EXIT } from './exit-codes';

export interface ApiClientOptions {
  /** The API's base URL, e.g. http://127.0.0.1:3000 (a path prefix is kept). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer`; never printed. */
  key?: string | undefined;
  timeoutMs: number;
}

export interface ApiReply<T> {
  status: number;
  /** The parsed JSON body; undefined for an empty one (204). */
  body: T;
  /** The body exactly as the API sent it, for --json. */
  text: string;
}

export type QueryParams = Record<string, string | number | undefined>;

export interface RequestOptions {
  query?: QueryParams;
  body?: unknown;
  /** A body sent as is (a YAML flow), with its content type; instead of `body`. */
  text?: { content: string; contentType: string };
  headers?: Record<string, string>;
}

function parseJson(text: string): unknown {
  return text.length === 0 ? undefined : (JSON.parse(text) as unknown);
}

function retryAfterOf(header: unknown): number | null {
  if (typeof header !== 'string') return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

function problemOf(text: string): Problem | null {
  try {
    const parsed = parseJson(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Problem) : null;
  } catch {
    return null;
  }
}

/** Why a request got no answer, without the request's configuration (which holds the key). */
function unreachable(baseUrl: string, error: unknown): UnreachableError {
  const code = axios.isAxiosError(error) ? error.code : undefined;
  const reason =
    code === 'ECONNABORTED' || code === 'ETIMEDOUT'
      ? 'no answer in time'
      : code === 'ECONNREFUSED'
        ? 'connection refused'
        : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
          ? 'host not found'
          : (code ?? (error instanceof Error ? error.message : String(error)));
  return new UnreachableError(`The API at ${baseUrl} could not be reached (${reason}).`);
}

/**
 * The CLI's view of the Junction API: one method per HTTP verb, JSON in and out, every error
 * status turned into an ApiError carrying the problem body. Connections are not kept alive, so
 * the process ends as soon as the command is done.
 */
export class ApiClient {
  private readonly http: AxiosInstance;

  constructor(private readonly options: ApiClientOptions) {
    this.http = axios.create({
      baseURL: options.baseUrl.replace(/\/+$/, ''),
      timeout: options.timeoutMs,
      // The raw text is kept so --json prints exactly what the API sent.
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      maxRedirects: 0,
      httpAgent: new http.Agent({ keepAlive: false }),
      httpsAgent: new https.Agent({ keepAlive: false }),
      headers: {
        accept: 'application/json, application/problem+json',
        'user-agent': 'junction-cli',
        ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
      },
    });
  }

  get<T>(path: string, query?: QueryParams): Promise<ApiReply<T>> {
    return this.request<T>('GET', path, query ? { query } : {});
  }

  post<T>(path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiReply<T>> {
    return this.request<T>('POST', path, { ...(body === undefined ? {} : { body }), ...(headers ? { headers } : {}) });
  }

  put<T>(path: string, body: unknown): Promise<ApiReply<T>> {
    return this.request<T>('PUT', path, { body });
  }

  delete(path: string): Promise<ApiReply<undefined>> {
    return this.request<undefined>('DELETE', path, {});
  }

  async request<T>(
    method: Method,
    path: string,
    { query, body, text: raw, headers }: RequestOptions,
  ): Promise<ApiReply<T>> {
    const payload = raw
      ? { data: raw.content, contentType: raw.contentType }
      : body === undefined
        ? null
        : { data: JSON.stringify(body), contentType: 'application/json' };
    let response;
    try {
      response = await this.http.request<string>({
        method,
        url: path,
        ...(query
          ? { params: Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined)) }
          : {}),
        ...(payload ? { data: payload.data } : {}),
        headers: { ...(payload ? { 'content-type': payload.contentType } : {}), ...headers },
      });
    } catch (error) {
      throw unreachable(this.options.baseUrl, error);
    }
    const text = typeof response.data === 'string' ? response.data : '';
    if (response.status >= 400) {
      throw new ApiError(response.status, problemOf(text), text, retryAfterOf(response.headers['retry-after']));
    }
    if (response.status >= 300) {
      throw new CliError(
        `The API at ${this.options.baseUrl} answered ${response.status} (a redirect): check --url.`,
        EXIT.UNEXPECTED,
      );
    }
    try {
      return { status: response.status, body: parseJson(text) as T, text };
    } catch {
      throw new CliError(
        `The API at ${this.options.baseUrl} answered ${response.status} with a body that is not JSON: check --url.`,
        EXIT.UNEXPECTED,
      );
    }
  }
}

/** A path segment, encoded (workflow ids may contain '/', ':' and the like). */
export function segment(value: string): string {
  return encodeURIComponent(value);
}
