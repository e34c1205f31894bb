/** HTTP helpers for suites that call Junction's API the way a business system does: fetch, JSON, bearer keys. */
import { expect } from 'chai';
import { eventually } from './eventually';

export interface Reply<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  /** The parsed JSON body; {} when the body is empty. */
  body: T;
  text: string;
}

/** A fetch response read whole: its JSON body parsed ({} when empty) and its text kept. */
export async function replyOf<T = Record<string, unknown>>(response: Response): Promise<Reply<T>> {
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : {}) as T, text };
}

export interface CallOptions {
  /** A bearer credential (API key or token); none when absent. */
  bearer?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export async function call<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(baseUrl + path, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  return replyOf<T>(response);
}

export interface KeyedCallOptions {
  /** Default: the caller's default key; null sends none. */
  key?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
}

export type KeyedCall = <T = Record<string, unknown>>(
  method: string,
  path: string,
  options?: KeyedCallOptions,
) => Promise<Reply<T>>;

/**
 * `call` bound to one server and a default key. Both are read at call time, so a suite can bind
 * before its `before` hook has started the server and created the key.
 */
export function keyedCall(baseUrl: () => string, defaultKey: () => string): KeyedCall {
  return (method, path, { key, ...options } = {}) => {
    const bearer = key === undefined ? defaultKey() : key;
    return call(baseUrl(), method, path, { ...options, ...(bearer === null ? {} : { bearer }) });
  };
}

/** An RFC 9457 problem with this status (and problem type, when given). */
export function expectProblem(reply: Reply, status: number, code?: string): void {
  expect(reply.status, reply.text).to.equal(status);
  expect(reply.headers.get('content-type')).to.match(/^application\/problem\+json/);
  expect(reply.body.requestId).to.equal(reply.headers.get('x-request-id'));
  if (code) expect(reply.body.type).to.equal(`/problems/${code}`);
}

export interface WaitForRunOptions {
  /** Keep polling while GET /v1/runs/:id answers 404 (a scheduled run that has not started yet); otherwise every poll must answer 200. */
  untilFound?: boolean;
  timeoutMs?: number;
}

/** Polls GET /v1/runs/:id until `ready` holds for the run view (by default: until the run has closed). */
export async function waitForRun<V extends { status: string }>(
  get: KeyedCall,
  workflowId: string,
  ready: (run: V) => boolean = (run) => run.status !== 'RUNNING',
  { untilFound = false, timeoutMs = 60_000 }: WaitForRunOptions = {},
): Promise<V> {
  const reply = await eventually(
    `run ${workflowId} ready`,
    () => get<V>('GET', `/v1/runs/${encodeURIComponent(workflowId)}`),
    (polled) => {
      if (untilFound && polled.status === 404) return false;
      expect(polled.status, polled.text).to.equal(200);
      return ready(polled.body);
    },
    { timeoutMs },
  );
  return reply.body;
}
