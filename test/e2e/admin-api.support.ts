/** Assertions shared by the keys, audit, events, imports and OIDC e2e suites (requests: test/support/api-client.ts). */
import { expect } from 'chai';
import { expectProblem, type Reply } from '../support/api-client';
import type { TestDatabase } from '../support/test-database';

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
      return {
        ...json,
        details: typeof json.details === 'string' ? (JSON.parse(json.details) as unknown) : json.details,
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no audit row for request ${requestId}`);
}
