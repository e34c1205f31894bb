import { Client, Connection } from '@temporalio/client';
import { expect } from 'chai';
import winston from 'winston';
import { loadConfig } from '../../config';
import { createApp } from '../../server/api/app';
import { createApiKeysService, type CreatedKey } from '../../server/auth/api-keys.service';
import { startApiServer, type RunningApiServer } from '../../server/api/server';
import { getLogger, replaceLogger } from '../../logging/logger';
import { call, expectProblem, type Reply } from '../support/api-client';
import { uniqueId } from '../support/order-fixtures';
import { getDevServer } from '../support/temporal-test-servers';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { auditRowOf, expectInvalid } from './admin-api.support';
import type { AuditEntryView } from '../../server/api/audit/audit-views';
import { messagesProcess, startMessagesWorker, type MessagesWorker } from './fixtures/messages.fixture';

const messagesProcessDef = messagesProcess('audit');

const MASTER_KEY = 'e2e-audit-master-key-0123456789abcdef012';
/** Values that must never reach an audit row. */
const SMTP_PASSWORD = 'audit-smtp-password-never-kept-5d1e';
const QUERY_SECRET = 'audit-query-secret-never-kept-a07b';

/** What GET /v1/audit lists. */
type AuditItem = AuditEntryView;

describe('API audit (e2e): every mutating call is recorded, GET /v1/audit filters and pages', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let connection: Connection;
  let server: RunningApiServer;
  let worker: MessagesWorker;
  let admin: CreatedKey;
  let writer: CreatedKey;
  let sequence = 0;

  /** Each call carries its own request id, so a test can find exactly its rows. */
  function api(method: string, path: string, options: { bearer?: string | null; body?: unknown } = {}): Promise<Reply> {
    sequence += 1;
    return call(server.url, method, path, {
      ...(options.bearer === null ? {} : { bearer: options.bearer ?? admin.key }),
      ...(options.body === undefined ? {} : { body: options.body }),
      headers: { 'x-request-id': `audit-e2e-${sequence}-${Date.now()}` },
    });
  }

  async function auditPage(
    query: string,
    bearer = admin.key,
  ): Promise<{ items: AuditItem[]; nextPageToken: string | null }> {
    const reply = await call(server.url, 'GET', `/v1/audit${query}`, { bearer });
    expect(reply.status, reply.text).to.equal(200);
    return reply.body as unknown as { items: AuditItem[]; nextPageToken: string | null };
  }

  /** Waits for the rows of these replies (written when each response ends), then lists with the query. */
  async function auditListing(query: string, replies: Reply[]): Promise<AuditItem[]> {
    for (const reply of replies) await auditRowOf(db, reply);
    return (await auditPage(`${query}${query.includes('?') ? '&' : '?'}pageSize=200`)).items;
  }

  const requestIdOf = (reply: Reply): string => reply.headers.get('x-request-id')!;

  before(async () => {
    db = await createTestDatabase('api_audit');
    const temporalServer = await getDevServer();
    connection = await Connection.connect({ address: temporalServer.address });
    const temporal = new Client({ connection, namespace: temporalServer.namespace });
    const taskQueue = uniqueId('api-audit');
    worker = await startMessagesWorker(temporalServer, taskQueue);
    const config = loadConfig(
      { TEMPORAL_NAMESPACE: temporalServer.namespace, TEMPORAL_TASK_QUEUE: taskQueue, JUNCTION_MASTER_KEY: MASTER_KEY },
      false,
    );
    server = await startApiServer(createApp({ config, temporal, models: db.models, catalog: [messagesProcessDef] }), 0);
    const keys = createApiKeysService({ apiKeys: db.models.ApiKey });
    admin = await keys.createKey({ name: 'audit-admin', scopes: ['admin'] });
    writer = await keys.createKey({ name: 'audit-writer', scopes: ['runs:read', 'runs:write', 'connectors:write'] });
  });

  after(async () => {
    await server?.close();
    await worker?.stop();
    await connection?.close();
    await db?.destroy();
  });

  describe('what a row holds', () => {
    it('records who, what, when, the request id and the outcome, with the path but not its query string', async () => {
      const started = Date.now();
      const reply = await api('POST', `/v1/keys?api_key=${QUERY_SECRET}`, {
        body: { name: 'recorded', scopes: ['runs:read'] },
      });
      expect(reply.status, reply.text).to.equal(201);
      const [item] = await auditListing(`?requestId=${requestIdOf(reply)}`, [reply]);
      expect(item).to.deep.include({
        actor: `audit-admin (${admin.prefix})`,
        principal: { kind: 'key', keyId: admin.id, name: 'audit-admin', prefix: admin.prefix },
        action: 'keys.create',
        target: String(reply.body.id),
        method: 'POST',
        path: '/v1/keys',
        route: '/v1/keys',
        requestId: requestIdOf(reply),
        outcome: 'success',
        statusCode: 201,
      });
      expect(item!.details).to.deep.include({ name: 'recorded', prefix: reply.body.prefix, scopes: ['runs:read'] });
      expect(Date.parse(item!.at)).to.be.within(started - 1_000, Date.now());
      const stored = JSON.stringify(await db.models.AuditEntry.findAll());
      expect(stored).not.to.contain(QUERY_SECRET);
      expect(stored).not.to.contain(String(reply.body.key));
    });

    it('records failures: 400, 401, 403, 404, 409, 422 and 500', async () => {
      const invalid = await api('POST', '/v1/keys', { body: { name: 'bad', scopes: ['everything'] } });
      expectProblem(invalid, 400);
      const anonymous = await api('POST', '/v1/keys', { bearer: null, body: { name: 'anon', scopes: ['admin'] } });
      expectProblem(anonymous, 401);
      const forbidden = await api('POST', '/v1/keys', {
        bearer: writer.key,
        body: { name: 'escalation', scopes: ['admin'] },
      });
      expectProblem(forbidden, 403);
      const missing = await api('POST', '/v1/keys/987654/revoke');
      expectProblem(missing, 404);
      const victim = await api('POST', '/v1/keys', { body: { name: 'victim', scopes: ['runs:read'] } });
      await api('POST', `/v1/keys/${victim.body.id}/revoke`);
      const conflict = await api('POST', `/v1/keys/${victim.body.id}/revoke`);
      expectProblem(conflict, 409);

      const start = await api('POST', '/v1/runs', {
        bearer: writer.key,
        body: { type: 'messagesFixture', input: 'alice@example.com' },
      });
      expect(start.status, start.text).to.equal(202);
      const workflowId = String(start.body.workflowId);
      const refused = await api('POST', `/v1/runs/${workflowId}/updates/decide`, {
        bearer: writer.key,
        body: { approver: 'mallory@example.com' },
      });
      expectProblem(refused, 422);
      const accepted = await api('POST', `/v1/runs/${workflowId}/updates/decide`, {
        bearer: writer.key,
        body: { approver: 'alice@example.com' },
      });
      expect(accepted.status, accepted.text).to.equal(200);

      // A real database failure: inserts into api_keys now fail on a column without a default.
      // The API logs the 500 with its stack, as it should; this test does not need to show it.
      await db.sequelize.query('ALTER TABLE api_keys ADD COLUMN audit_test_breaker INT NOT NULL');
      const logger = getLogger();
      replaceLogger(winston.createLogger({ silent: true }));
      let broken: Reply;
      try {
        broken = await api('POST', '/v1/keys', { body: { name: 'unstorable', scopes: ['runs:read'] } });
      } finally {
        replaceLogger(logger);
        await db.sequelize.query('ALTER TABLE api_keys DROP COLUMN audit_test_breaker');
      }
      expectProblem(broken, 500, 'internal-error');

      const expected: [Reply, string, number, string][] = [
        [invalid, 'keys.create', 400, `audit-admin (${admin.prefix})`],
        [anonymous, 'keys.create', 401, 'anonymous'],
        [forbidden, 'keys.create', 403, `audit-writer (${writer.prefix})`],
        [missing, 'keys.revoke', 404, `audit-admin (${admin.prefix})`],
        [conflict, 'keys.revoke', 409, `audit-admin (${admin.prefix})`],
        [refused, 'runs.update', 422, `audit-writer (${writer.prefix})`],
        [broken, 'keys.create', 500, `audit-admin (${admin.prefix})`],
      ];
      const failures = await auditListing(
        '?outcome=failure',
        expected.map(([reply]) => reply),
      );
      for (const [reply, action, statusCode, actor] of expected) {
        const item = failures.find((row) => row.requestId === requestIdOf(reply));
        expect(item, `${action} ${statusCode}`).to.deep.include({ action, statusCode, actor, outcome: 'failure' });
      }
      expect(failures.find((row) => row.requestId === requestIdOf(accepted))).to.equal(undefined);
      expect(failures.every((row) => row.outcome === 'failure')).to.equal(true);
    });

    it('never keeps connector credentials, in successful or refused calls', async () => {
      const smtp = (name: string, settings: Record<string, unknown>) => ({
        name,
        kind: 'email',
        vendor: 'smtp',
        settings,
        credentials: { username: 'shop', password: SMTP_PASSWORD },
      });
      const created = await api('POST', '/v1/connectors', {
        bearer: writer.key,
        body: smtp('email.audited', { url: 'smtp://127.0.0.1:2525', from: 'Shop <shop@shop.example>' }),
      });
      expect(created.status, created.text).to.equal(201);
      const refused = await api('POST', '/v1/connectors', {
        bearer: writer.key,
        body: smtp('email.refused', { url: 'http://not-smtp.example', from: 'Shop <shop@shop.example>' }),
      });
      expectProblem(refused, 400);
      const patched = await api('PATCH', '/v1/connectors/email.audited', {
        bearer: writer.key,
        body: { credentials: { username: 'shop', password: `${SMTP_PASSWORD}-2` } },
      });
      expect(patched.status, patched.text).to.equal(200);
      const rows = await auditListing('?action=connectors.*', [created, refused, patched]);
      expect(rows.map((row) => row.requestId)).to.include.members([created, refused, patched].map(requestIdOf));
      expect(JSON.stringify(rows)).not.to.contain(SMTP_PASSWORD);
      expect(JSON.stringify(await db.models.AuditEntry.findAll())).not.to.contain(SMTP_PASSWORD);
      for (const key of [admin.key, writer.key])
        expect(JSON.stringify(await db.models.AuditEntry.findAll())).not.to.contain(key);
    });
  });

  describe('GET /v1/audit', () => {
    let byAdmin: Reply[];
    let byWriter: Reply[];
    let byAnonymous: Reply;

    before(async () => {
      const first = await api('POST', '/v1/keys', { body: { name: 'filter-a', scopes: ['runs:read'] } });
      const revoke = await api('POST', `/v1/keys/${first.body.id}/revoke`);
      byAdmin = [first, revoke];
      byWriter = [
        await api('POST', '/v1/keys', { bearer: writer.key, body: { name: 'filter-b', scopes: ['runs:read'] } }),
      ];
      byAnonymous = await api('POST', '/v1/keys/1/revoke', { bearer: null });
      for (const reply of [...byAdmin, ...byWriter, byAnonymous]) await auditRowOf(db, reply);
    });

    it('filters by actor: a key id, name or prefix, the exact actor string, or anonymous', async () => {
      const adminActor = `audit-admin (${admin.prefix})`;
      for (const actor of [String(admin.id), 'audit-admin', admin.prefix, adminActor]) {
        const items = (await auditPage(`?actor=${encodeURIComponent(actor)}&pageSize=200`)).items;
        expect(
          items.map((item) => item.requestId),
          actor,
        ).to.include.members(byAdmin.map(requestIdOf));
        expect(
          items.every((item) => item.actor === adminActor),
          actor,
        ).to.equal(true);
      }
      const writerItems = (await auditPage(`?actor=${writer.id}&pageSize=200`)).items;
      expect(writerItems.map((item) => item.requestId)).to.include(requestIdOf(byWriter[0]!));
      expect(writerItems.every((item) => item.actor === `audit-writer (${writer.prefix})`)).to.equal(true);
      const anonymous = (await auditPage('?actor=anonymous&pageSize=200')).items;
      expect(anonymous.map((item) => item.requestId)).to.include(requestIdOf(byAnonymous));
      expect(anonymous.every((item) => item.actor === 'anonymous' && item.principal === null)).to.equal(true);
      expect((await auditPage('?actor=nobody-at-all')).items).to.deep.equal([]);
    });

    it('filters by action (exact or a family), target, outcome and request id', async () => {
      const revokes = (await auditPage('?action=keys.revoke&pageSize=200')).items;
      expect(revokes.length).to.be.greaterThan(0);
      expect(revokes.every((item) => item.action === 'keys.revoke')).to.equal(true);
      const family = (await auditPage('?action=keys.*&pageSize=200')).items;
      expect(new Set(family.map((item) => item.action))).to.deep.equal(new Set(['keys.create', 'keys.revoke']));
      const target = String(byAdmin[0]!.body.id);
      const targeted = (await auditPage(`?target=${target}&action=keys.*`)).items;
      expect(targeted.map((item) => item.requestId).sort()).to.deep.equal(byAdmin.map(requestIdOf).sort());
      const successes = (await auditPage('?outcome=success&pageSize=200')).items;
      expect(successes.every((item) => item.outcome === 'success' && item.statusCode! < 400)).to.equal(true);
      const one = (await auditPage(`?requestId=${requestIdOf(byWriter[0]!)}`)).items;
      expect(one).to.have.length(1);
      expect(one[0]).to.deep.include({ action: 'keys.create', actor: `audit-writer (${writer.prefix})` });
    });

    it('filters by a time range, from inclusive and to exclusive', async () => {
      const [first, second] = await Promise.all(byAdmin.map((reply) => auditRowOf(db, reply)));
      const firstAt = (first!.at as Date).toISOString();
      const secondAt = (second!.at as Date).toISOString();
      const window = (await auditPage(`?from=${firstAt}&to=${secondAt}&pageSize=200`)).items;
      expect(window.map((item) => item.requestId)).to.include(requestIdOf(byAdmin[0]!));
      expect(window.every((item) => item.at >= firstAt && item.at < secondAt)).to.equal(true);
      if (secondAt !== firstAt) expect(window.map((item) => item.requestId)).not.to.include(requestIdOf(byAdmin[1]!));
      const later = (
        await auditPage(
          `?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString().replace('Z', '+00:00'))}`,
        )
      ).items;
      expect(later).to.deep.equal([]);
    });

    it('lists newest first in pages whose tokens are bound to the filters', async () => {
      const all = (await auditPage('?pageSize=200')).items;
      expect(all.length).to.be.greaterThan(5);
      for (let i = 1; i < all.length; i++) {
        const [newer, older] = [all[i - 1]!, all[i]!];
        expect(
          newer.at > older.at || (newer.at === older.at && newer.id > older.id),
          `${newer.id} before ${older.id}`,
        ).to.equal(true);
      }
      const paged: number[] = [];
      let token: string | null = null;
      do {
        const page = await auditPage(`?pageSize=3${token ? `&pageToken=${token}` : ''}`);
        expect(page.items.length).to.be.at.most(3);
        paged.push(...page.items.map((item) => item.id));
        token = page.nextPageToken;
      } while (token);
      expect(paged).to.deep.equal(all.map((item) => item.id));

      const firstPage = await auditPage('?pageSize=1');
      const reused = await call(
        server.url,
        'GET',
        `/v1/audit?pageSize=1&outcome=failure&pageToken=${firstPage.nextPageToken}`,
        { bearer: admin.key },
      );
      expectInvalid(reused, ['pageToken']);
    });

    it('answers 400 naming each invalid filter', async () => {
      const cases: [string, string[]][] = [
        ['?outcome=maybe', ['outcome']],
        ['?from=yesterday', ['from']],
        ['?to=2030-01-01', ['to']],
        ['?from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z', ['to']],
        ['?action=keys.%25', ['action']],
        ['?pageSize=0', ['pageSize']],
        ['?pageSize=201', ['pageSize']],
        ['?pageToken=***', ['pageToken']],
        ['?pageToken=bm90LWEtdG9rZW4', ['pageToken']],
        ['?user=someone', ['user']],
        [`?actor=${'a'.repeat(256)}`, ['actor']],
      ];
      for (const [query, fields] of cases)
        expectInvalid(await call(server.url, 'GET', `/v1/audit${query}`, { bearer: admin.key }), fields);
    });

    it('answers 401 without a credential and 403 to a key without admin', async () => {
      expectProblem(await call(server.url, 'GET', '/v1/audit'), 401);
      const reply = await call(server.url, 'GET', '/v1/audit', { bearer: writer.key });
      expectProblem(reply, 403);
      expect(reply.body.detail).to.contain('"admin"');
    });
  });
});
