/**
 * `http/http`: generic HTTP calls for flows (`call: http`), through the shared HTTP client
 * (connectors/http.ts), so they get what every vendor gets: the egress guard, no redirects, the
 * error classification, the rate limit and circuit breaker of the instance's settings, and an
 * auth injector whose secrets come from the vault. The flow gives a path below the base URL, never
 * a destination or a credential.
 */
import type { AuthInjector, HttpClient } from '../http';
import type { HttpCallRequest, HttpCallResponse, HttpConnector, HttpOperation, WriteOptions } from '../spi';
import { authHeaderName } from './generic-http.auth';
import type { HttpSettings } from './generic-http.settings';
import { checkedHeaders, checkedPath, checkedRequestShape, WRITE_METHODS } from './http-call-checks';
import { responseBody, responseHeaders } from './http-response-body';

export class GenericHttpConnector implements HttpConnector {
  readonly kind = 'http' as const;
  readonly vendor = 'http';
  readonly unsupported: readonly HttpOperation[] = [];

  constructor(
    readonly name: string,
    private readonly settings: HttpSettings,
    private readonly client: HttpClient,
    private readonly auth: AuthInjector | undefined,
  ) {}

  async request(request: HttpCallRequest, options: WriteOptions): Promise<HttpCallResponse> {
    checkedRequestShape(this.name, request);
    const path = checkedPath(this.name, this.settings.baseUrl, request.path);
    const headers = checkedHeaders(this.name, request.headers, authHeaderName(this.settings.auth));
    if (WRITE_METHODS.includes(request.method)) headers['idempotency-key'] = options.idempotencyKey;
    let data: string | undefined;
    if (request.body !== undefined) {
      const text = typeof request.body === 'string';
      data = text ? (request.body as string) : JSON.stringify(request.body);
      headers['content-type'] ??= text ? 'text/plain; charset=utf-8' : 'application/json';
    }
    const response = await this.client.request<unknown>({
      method: request.method,
      url: path,
      headers,
      responseType: 'text',
      ...(request.query !== undefined ? { params: request.query } : {}),
      ...(data !== undefined ? { data } : {}),
    });
    return {
      status: response.status,
      headers: responseHeaders(response.headers),
      body: responseBody(this.name, response.headers['content-type'], response.data),
    };
  }

  /** The configured health path answers 2xx; without one, the credentials are obtained (an OAuth2 token). */
  async healthCheck(): Promise<void> {
    const check = this.settings.healthCheck;
    if (check) {
      const path = checkedPath(this.name, this.settings.baseUrl, check.path);
      await this.client.request({ method: check.method, url: path, responseType: 'text' });
      return;
    }
    await this.auth?.headers();
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
