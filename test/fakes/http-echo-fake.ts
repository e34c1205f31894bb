/**
 * A generic HTTP API for the `http/http` connector's tests: records every request as it arrived
 * (method, path, query, headers, body) and answers with what the test scripts, byte for byte.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeHttpServer } from './fake-http-server';
import { readBody } from './listen';

export interface EchoedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Lower-case names, as node gives them. */
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RawResponse {
  status: number;
  headers?: Record<string, string>;
  /** Sent as is; default `{"ok":true}` as application/json. */
  body?: string;
}

export class HttpEchoFake extends FakeHttpServer {
  readonly received: EchoedRequest[] = [];
  private readonly queued: RawResponse[] = [];

  /** Answers the next requests with these, in order; then `{"ok":true}`. */
  respondNext(...responses: RawResponse[]): void {
    this.queued.push(...responses);
  }

  get last(): EchoedRequest {
    const last = this.received.at(-1);
    if (!last) throw new Error('no request reached the fake');
    return last;
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    this.received.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers },
      body: await readBody(req),
    });
    const answer = this.queued.shift() ?? {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"ok":true}',
    };
    res.writeHead(answer.status, answer.headers ?? {});
    res.end(answer.body ?? '');
  }
}
