/**
 * A scripted vendor API for tests: counts every request that reaches it, checks bearer tokens
 * when given an `authorize` predicate, and answers with whatever the test scripts next.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeHttpServer } from './fake-http-server';
import { sendJson } from './listen';

export interface ScriptedResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Delay before answering. */
  delayMs?: number;
}

export interface ReceivedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  at: number;
}

export class FakeVendorApi extends FakeHttpServer {
  readonly received: ReceivedRequest[] = [];
  private readonly queued: ScriptedResponse[] = [];
  private fallback: ScriptedResponse = { status: 200, body: { ok: true } };

  /** `authorize` sees the bearer token (or undefined); false answers 401 invalid_token. */
  constructor(private readonly authorize?: (token: string | undefined) => boolean) {
    super();
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { status, body, headers } = await this.answer(req);
    sendJson(res, status, body ?? {}, headers);
  }

  get hits(): number {
    return this.received.length;
  }

  /** The answer to every request without a queued one. */
  always(response: ScriptedResponse): void {
    this.fallback = response;
  }

  /** Answers the next requests with these, in order, before falling back. */
  respondNext(...responses: ScriptedResponse[]): void {
    this.queued.push(...responses);
  }

  private async answer(req: IncomingMessage): Promise<ScriptedResponse> {
    const authorization = req.headers.authorization;
    this.received.push({
      method: req.method ?? 'GET',
      path: new URL(req.url ?? '/', 'http://x').pathname,
      authorization,
      at: Date.now(),
    });
    const token = authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined;
    if (this.authorize && !this.authorize(token))
      return { status: 401, body: { error: 'invalid_token', error_description: 'The access token is invalid' } };
    const response = this.queued.shift() ?? this.fallback;
    if (response.delayMs) await new Promise((resolve) => setTimeout(resolve, response.delayMs));
    return response;
  }
}
