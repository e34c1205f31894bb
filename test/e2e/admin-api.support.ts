/** HTTP helpers shared by the keys, audit and OIDC e2e suites. */
import { expect } from 'chai';
import type { TestDatabase } from '../support/test-database';

export interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  text: string;
}

export interface CallOptions {
  /** A bearer credential (API key or token); none when absent. */
  bearer?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export async function call(baseUrl: string, method: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(baseUrl + path, { method, headers, ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, text };
}

/** An RFC 9457 problem with this status (and problem type, when given). */
export function expectProblem(reply: Reply, status: number, code?: string): void {
  expect(reply.status, reply.text).to.equal(status);
  expect(reply.headers.get('content-type')).to.match(/^application\/problem\+json/);
  expect(reply.body.requestId).to.equal(reply.headers.get('x-request-id'));
  if (code) expect(reply.body.type).to.equal(`/problems/${code}`);
}

/** The fields a 400 names, in order. */
export function fieldsOf(reply: Reply): string[] {
  return ((reply.body.errors ?? []) as { field: string }[]).map((error) => error.field);
}

/** A 400 naming exactly these fields. */
export function expectInvalid(reply: Reply, fields: string[]): void {
  expectProblem(reply, 400, 'validation-error');
  expect(fieldsOf(reply), reply.text).to.deep.equal(fields);
}

/** The audit row of a request; rows are written when the response ends, so this polls briefly. */
export async function auditRowOf(db: TestDatabase, reply: Reply): Promise<Record<string, unknown>> {
  const requestId = reply.headers.get('x-request-id');
  for (let i = 0; i < 60; i++) {
    const row = await db.models.AuditEntry.findOne({ where: { requestId } });
    if (row) {
      const json = row.toJSON() as Record<string, unknown>;
      return { ...json, details: typeof json.details === 'string' ? (JSON.parse(json.details) as unknown) : json.details };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no audit row for request ${requestId}`);
}
