import { Client, Connection } from '@temporalio/client';
import { expect } from 'chai';
import { loadConfig } from '../../config';
import { createApp } from '../../server/api/app';
import { createApiKeysService, type ApiKeysService } from '../../server/auth/api-keys.service';
import { startApiServer, type RunningApiServer } from '../../server/api/server';
import { call, expectProblem, type Reply } from '../support/api-client';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { auditRowOf, expectInvalid } from './admin-api.support';

const KEY_SHAPE = /^jk_([0-9A-Za-z]{12})_([0-9A-Za-z]{32})$/;
const DAY_MS = 86_400_000;

describe('API keys (e2e): /v1/keys create, list, get, revoke', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let connection: Connection;
  let server: RunningApiServer;
  let replica: RunningApiServer;
  let keys: ApiKeysService;
  let adminKey: string;
  let writerKey: string;

  const api = (
    method: string,
    path: string,
    options: { bearer?: string | null; body?: unknown } = {},
  ): Promise<Reply> =>
    call(server.url, method, path, {
      ...(options.bearer === null ? {} : { bearer: options.bearer ?? adminKey }),
      ...(options.body === undefined ? {} : { body: options.body }),
    });

  async function createThroughApi(
    body: Record<string, unknown>,
  ): Promise<Reply & { body: Record<string, unknown> & { key: string; id: number } }> {
    const reply = await api('POST', '/v1/keys', { body });
    expect(reply.status, reply.text).to.equal(201);
    return reply as Reply & { body: Record<string, unknown> & { key: string; id: number } };
  }

  before(async () => {
    db = await createTestDatabase('api_keys');
    // The key routes never call Temporal: a lazy connection that is never used is enough.
    connection = Connection.lazy({ address: '127.0.0.1:1' });
    const temporal = new Client({ connection });
    const config = loadConfig({}, false);
    server = await startApiServer(createApp({ config, temporal, models: db.models }), 0);
    // A second API process on the same database, as another replica behind a load balancer.
    replica = await startApiServer(createApp({ config, temporal, models: db.models }), 0);
    keys = createApiKeysService({ apiKeys: db.models.ApiKey });
    adminKey = (await keys.createKey({ name: 'ops-admin', scopes: ['admin'] })).key;
    writerKey = (
      await keys.createKey({
        name: 'erp-writer',
        scopes: ['runs:read', 'runs:write', 'schedules:write', 'connectors:write'],
      })
    ).key;
  });

  after(async () => {
    await server?.close();
    await replica?.close();
    await connection?.close();
    await db?.destroy();
  });

  describe('creating', () => {
    it('answers 201 with the key shown once, its id, prefix, scopes and the default 90-day expiry; the key works at once', async () => {
      const reply = await createThroughApi({ name: 'shop-backend', scopes: ['runs:read', 'runs:write', 'runs:read'] });
      const { key, id } = reply.body;
      const [, prefix, secret] = KEY_SHAPE.exec(key)!;
      expect(reply.headers.get('location')).to.equal(`/v1/keys/${id}`);
      expect(reply.headers.get('cache-control')).to.equal('no-store');
      expect(reply.body).to.deep.include({
        name: 'shop-backend',
        prefix,
        scopes: ['runs:read', 'runs:write'],
        actsAs: null,
        status: 'active',
        revokedAt: null,
        lastUsedAt: null,
      });
      expect(Date.parse(String(reply.body.expiresAt)) - Date.now()).to.be.within(90 * DAY_MS - 60_000, 90 * DAY_MS);
      expect(reply.body.links).to.deep.equal({ self: `/v1/keys/${id}`, revoke: `/v1/keys/${id}/revoke` });

      const row = await db.models.ApiKey.findByPk(id);
      expect(row!.prefix).to.equal(prefix);
      expect(row!.secretHash).to.match(/^sha256\$[0-9a-f]{64}$/);
      expect(JSON.stringify(row!.toJSON())).not.to.contain(secret!);

      expect((await call(server.url, 'GET', '/v1/workflows', { bearer: key })).status).to.equal(200);
      expectProblem(
        await call(server.url, 'POST', '/v1/keys', { bearer: key, body: { name: 'x', scopes: ['admin'] } }),
        403,
      );
    });

    it('never shows the key, its secret or its hash again: not in GET /v1/keys/:id, the listing or the audit row', async () => {
      const created = await createThroughApi({ name: 'shown-once', scopes: ['runs:read'] });
      const secret = KEY_SHAPE.exec(created.body.key)![2]!;
      const hash = (await db.models.ApiKey.findByPk(created.body.id))!.secretHash;
      const single = await api('GET', `/v1/keys/${created.body.id}`);
      expect(single.status).to.equal(200);
      expect(Object.keys(single.body).sort()).to.deep.equal([
        'actsAs',
        'createdAt',
        'expiresAt',
        'id',
        'lastUsedAt',
        'links',
        'name',
        'prefix',
        'revokedAt',
        'scopes',
        'status',
      ]);
      const listing = await api('GET', '/v1/keys?pageSize=100');
      const audit = JSON.stringify(await auditRowOf(db, created));
      for (const text of [single.text, listing.text, audit]) {
        expect(text).not.to.contain(secret);
        expect(text).not.to.contain(hash.slice('sha256$'.length));
        expect(text).not.to.contain('secretHash');
      }
    });

    it('sets the expiry from expiresInDays or expiresAt', async () => {
      const before = Date.now();
      const inDays = await createThroughApi({ name: 'thirty-days', scopes: ['runs:read'], expiresInDays: 30 });
      const expiresAt = Date.parse(String(inDays.body.expiresAt));
      expect(expiresAt).to.be.within(before + 30 * DAY_MS, Date.now() + 30 * DAY_MS);
      const at = new Date(Date.now() + 7 * DAY_MS);
      at.setUTCMilliseconds(0);
      const explicit = await createThroughApi({
        name: 'a-week',
        scopes: ['runs:read'],
        expiresAt: at.toISOString().replace('.000Z', '+00:00'),
      });
      expect(explicit.body.expiresAt).to.equal(at.toISOString());
    });

    it('when the scopes are limited to processes of the catalog, then 201 with the scopes as given; an unknown process is a 400 naming the scope', async () => {
      const reply = await createThroughApi({
        name: 'shop-orders',
        scopes: ['runs:write:orderToCash', 'runs:read:orderToCash', 'runs:infrastructure', 'runs:read:*'],
      });
      expect(reply.body.scopes).to.deep.equal([
        'runs:write:orderToCash',
        'runs:read:orderToCash',
        'runs:infrastructure',
        'runs:read:*',
      ]);
      const shown = await api('GET', `/v1/keys/${reply.body.id}`);
      expect(shown.body.scopes).to.deep.equal([
        'runs:write:orderToCash',
        'runs:read:orderToCash',
        'runs:infrastructure',
        'runs:read:*',
      ]);
      const unknown = await api('POST', '/v1/keys', { body: { name: 'typo', scopes: ['runs:write:orderToKash'] } });
      expectInvalid(unknown, ['scopes[0]']);
      expect((unknown.body.errors as { message: string }[])[0]!.message).to.contain(
        '"runs:write:orderToKash" names no workflow type of the catalog',
      );
    });

    it('answers 400 naming each invalid field', async () => {
      const past = new Date(Date.now() - 60_000).toISOString();
      const cases: [unknown, string[]][] = [
        [{ scopes: ['runs:read'] }, ['name']],
        [{ name: '   ', scopes: ['runs:read'] }, ['name']],
        [{ name: 'x'.repeat(101), scopes: ['runs:read'] }, ['name']],
        [{ name: 'tab\there', scopes: ['runs:read'] }, ['name']],
        [{ name: 'no-scopes' }, ['scopes']],
        [{ name: 'empty-scopes', scopes: [] }, ['scopes']],
        [{ name: 'bad-scope', scopes: ['runs:read', 'runs:delete'] }, ['scopes[1]']],
        [{ name: 'unknown-process', scopes: ['runs:write:launchRockets', 'runs:read:orderToCash'] }, ['scopes[0]']],
        [{ name: 'limited-schedules', scopes: ['schedules:write:orderToCash'] }, ['scopes[0]']],
        [{ name: 'bad-expiry', scopes: ['runs:read'], expiresAt: 'next tuesday' }, ['expiresAt']],
        [{ name: 'past-expiry', scopes: ['runs:read'], expiresAt: past }, ['expiresAt']],
        [{ name: 'far-expiry', scopes: ['runs:read'], expiresAt: '2999-01-01T00:00:00Z' }, ['expiresAt']],
        [{ name: 'zero-days', scopes: ['runs:read'], expiresInDays: 0 }, ['expiresInDays']],
        [{ name: 'half-days', scopes: ['runs:read'], expiresInDays: 1.5 }, ['expiresInDays']],
        [
          {
            name: 'both',
            scopes: ['runs:read'],
            expiresInDays: 1,
            expiresAt: new Date(Date.now() + DAY_MS).toISOString(),
          },
          ['expiresInDays'],
        ],
        [{ name: 'extra', scopes: ['runs:read'], secret: 'mine' }, ['secret']],
        [['not', 'an', 'object'], ['(body)']],
      ];
      const before = await db.models.ApiKey.count();
      for (const [body, fields] of cases) expectInvalid(await api('POST', '/v1/keys', { body }), fields);
      expect(await db.models.ApiKey.count()).to.equal(before);
    });
  });

  describe('authentication and scope', () => {
    const routes: [string, string, unknown?][] = [
      ['POST', '/v1/keys', { name: 'x', scopes: ['runs:read'] }],
      ['GET', '/v1/keys'],
      ['GET', '/v1/keys/1'],
      ['POST', '/v1/keys/1/revoke'],
    ];

    it('answers 401 on every route without a credential, or with an unknown one', async () => {
      for (const [method, path, body] of routes) {
        expectProblem(await api(method, path, { bearer: null, body }), 401, 'unauthorized');
        expectProblem(
          await api(method, path, { bearer: `jk_AAAAAAAAAAAA_${'B'.repeat(32)}`, body }),
          401,
          'unauthorized',
        );
      }
    });

    it('answers 403 on every route to a key with every scope but admin', async () => {
      for (const [method, path, body] of routes) {
        const reply = await api(method, path, { bearer: writerKey, body });
        expectProblem(reply, 403, 'forbidden');
        expect(reply.body.detail).to.contain('"admin"');
      }
      expect(await db.models.ApiKey.count({ where: { name: 'x' } })).to.equal(0);
    });
  });

  describe('reading', () => {
    it('gets one key by id, 404 for an unknown id and 400 naming id for a malformed one', async () => {
      const created = await createThroughApi({ name: 'readable', scopes: ['schedules:write'] });
      const reply = await api('GET', `/v1/keys/${created.body.id}`);
      expect(reply.body).to.deep.include({
        id: created.body.id,
        name: 'readable',
        scopes: ['schedules:write'],
        status: 'active',
      });
      expect(reply.body.createdAt).to.equal(created.body.createdAt);
      expectProblem(await api('GET', '/v1/keys/999999'), 404, 'key-not-found');
      for (const bad of ['abc', '0', '-1', '1.5', '99999999999'])
        expectInvalid(await api('GET', `/v1/keys/${bad}`), ['id']);
    });

    it('lists newest first in pages whose tokens are bound to the status filter', async () => {
      for (let i = 0; i < 3; i++) await createThroughApi({ name: `paged-${i}`, scopes: ['runs:read'] });
      const all = await api('GET', '/v1/keys?pageSize=100');
      const allIds = (all.body.items as { id: number }[]).map((item) => item.id);
      expect(allIds).to.deep.equal([...allIds].sort((a, b) => b - a));
      expect(all.body.nextPageToken).to.equal(null);

      const paged: number[] = [];
      let token: string | null = null;
      let pages = 0;
      do {
        const page: Reply = await api('GET', `/v1/keys?pageSize=2${token ? `&pageToken=${token}` : ''}`);
        expect(page.status, page.text).to.equal(200);
        const ids = (page.body.items as { id: number }[]).map((item) => item.id);
        expect(ids.length).to.be.at.most(2);
        paged.push(...ids);
        token = page.body.nextPageToken as string | null;
        pages += 1;
      } while (token);
      expect(paged).to.deep.equal(allIds);
      expect(pages).to.equal(Math.ceil(allIds.length / 2));

      const first = await api('GET', '/v1/keys?pageSize=1');
      expectInvalid(
        await api('GET', `/v1/keys?pageSize=1&status=revoked&pageToken=${String(first.body.nextPageToken)}`),
        ['pageToken'],
      );
      expectInvalid(await api('GET', '/v1/keys?pageToken=bm90LWEtdG9rZW4'), ['pageToken']);
    });

    it('filters by status, and refuses an unknown status, page size or parameter naming it', async () => {
      const revoked = await createThroughApi({ name: 'to-filter-revoked', scopes: ['runs:read'] });
      await api('POST', `/v1/keys/${revoked.body.id}/revoke`);
      const expired = await keys.createKey({
        name: 'to-filter-expired',
        scopes: ['runs:read'],
        expiresAt: new Date(Date.now() - 1_000),
      });
      const statuses = async (status: string) => {
        const reply = await api('GET', `/v1/keys?status=${status}&pageSize=100`);
        expect(reply.status, reply.text).to.equal(200);
        return reply.body.items as { id: number; status: string }[];
      };
      const revokedItems = await statuses('revoked');
      expect(revokedItems.map((item) => item.id)).to.include(revoked.body.id);
      expect(revokedItems.every((item) => item.status === 'revoked')).to.equal(true);
      const expiredItems = await statuses('expired');
      expect(expiredItems.map((item) => item.id)).to.deep.equal([expired.id]);
      const activeItems = await statuses('active');
      expect(activeItems.every((item) => item.status === 'active')).to.equal(true);
      expect(activeItems.map((item) => item.id)).not.to.include.members([revoked.body.id, expired.id]);

      expectInvalid(await api('GET', '/v1/keys?status=deleted'), ['status']);
      expectInvalid(await api('GET', '/v1/keys?pageSize=0'), ['pageSize']);
      expectInvalid(await api('GET', '/v1/keys?pageSize=101'), ['pageSize']);
      expectInvalid(await api('GET', '/v1/keys?revoked=true'), ['revoked']);
    });
  });

  describe('revoking', () => {
    it('revokes a key so that the very next request is refused, on this API process and on another', async () => {
      const created = await createThroughApi({ name: 'to-revoke', scopes: ['runs:read'] });
      const key = created.body.key;
      expect((await call(server.url, 'GET', '/v1/workflows', { bearer: key })).status).to.equal(200);
      expect((await call(replica.url, 'GET', '/v1/workflows', { bearer: key })).status).to.equal(200);

      const revoked = await api('POST', `/v1/keys/${created.body.id}/revoke`);
      expect(revoked.status, revoked.text).to.equal(200);
      expect(revoked.body).to.deep.include({ id: created.body.id, status: 'revoked' });
      expect(Date.parse(String(revoked.body.revokedAt))).to.be.closeTo(Date.now(), 10_000);

      expectProblem(await call(server.url, 'GET', '/v1/workflows', { bearer: key }), 401);
      expectProblem(await call(replica.url, 'GET', '/v1/workflows', { bearer: key }), 401);
    });

    it('answers 409 to a second revocation and keeps the first revocation time; 404 for an unknown key; 400 naming id', async () => {
      const created = await createThroughApi({ name: 'revoked-twice', scopes: ['runs:read'] });
      const first = await api('POST', `/v1/keys/${created.body.id}/revoke`);
      expect(first.status).to.equal(200);
      const second = await api('POST', `/v1/keys/${created.body.id}/revoke`);
      expectProblem(second, 409, 'key-already-revoked');
      expect(second.body.detail).to.contain(String(first.body.revokedAt));
      expect((await api('GET', `/v1/keys/${created.body.id}`)).body.revokedAt).to.equal(first.body.revokedAt);
      expectProblem(await api('POST', '/v1/keys/999999/revoke'), 404, 'key-not-found');
      expectInvalid(await api('POST', '/v1/keys/first/revoke'), ['id']);
    });

    it('refuses a key the moment it expires, without any revocation', async () => {
      const created = await keys.createKey({
        name: 'short-lived',
        scopes: ['runs:read'],
        expiresAt: new Date(Date.now() + 1_500),
      });
      expect((await call(server.url, 'GET', '/v1/workflows', { bearer: created.key })).status).to.equal(200);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, created.expiresAt!.getTime() - Date.now()) + 50));
      expectProblem(await call(server.url, 'GET', '/v1/workflows', { bearer: created.key }), 401);
      expect((await api('GET', `/v1/keys/${created.id}`)).body.status).to.equal('expired');
    });

    it('lets an admin revoke its own key, which then locks it out', async () => {
      const own = await keys.createKey({ name: 'self-revoking-admin', scopes: ['admin'] });
      const reply = await api('POST', `/v1/keys/${own.id}/revoke`, { bearer: own.key });
      expect(reply.status, reply.text).to.equal(200);
      expectProblem(await api('GET', '/v1/keys', { bearer: own.key }), 401);
    });
  });

  describe('audit', () => {
    it('audits creations and revocations, failed ones included, naming the key by id and prefix', async () => {
      const created = await createThroughApi({ name: 'audited', scopes: ['runs:read'], expiresAt: null });
      const createRow = await auditRowOf(db, created);
      expect(createRow).to.deep.include({
        action: 'keys.create',
        target: String(created.body.id),
        outcome: 'success',
        statusCode: 201,
      });
      expect(createRow.actor).to.match(/^ops-admin \([0-9A-Za-z]{12}\)$/);
      expect(createRow.details).to.deep.include({
        name: 'audited',
        prefix: created.body.prefix,
        scopes: ['runs:read'],
        actsAs: null,
        expiresAt: null,
        method: 'POST',
        path: '/v1/keys',
        route: '/v1/keys',
      });

      const invalid = await api('POST', '/v1/keys', { body: { name: 'audited-bad', scopes: ['nope'] } });
      expect(await auditRowOf(db, invalid)).to.deep.include({
        action: 'keys.create',
        target: null,
        outcome: 'failure',
        statusCode: 400,
      });
      const forbidden = await api('POST', '/v1/keys', {
        bearer: writerKey,
        body: { name: 'audited-forbidden', scopes: ['admin'] },
      });
      const forbiddenRow = await auditRowOf(db, forbidden);
      expect(forbiddenRow).to.deep.include({ action: 'keys.create', outcome: 'failure', statusCode: 403 });
      expect(forbiddenRow.actor).to.match(/^erp-writer \(/);

      await api('POST', `/v1/keys/${created.body.id}/revoke`);
      const again = await api('POST', `/v1/keys/${created.body.id}/revoke`);
      const againRow = await auditRowOf(db, again);
      expect(againRow).to.deep.include({
        action: 'keys.revoke',
        target: String(created.body.id),
        outcome: 'failure',
        statusCode: 409,
      });
      expect(againRow.details).to.deep.include({
        alreadyRevoked: true,
        route: '/v1/keys/:id/revoke',
        path: `/v1/keys/${created.body.id}/revoke`,
      });
      const missing = await api('POST', '/v1/keys/999999/revoke');
      expect(await auditRowOf(db, missing)).to.deep.include({
        action: 'keys.revoke',
        target: '999999',
        outcome: 'failure',
        statusCode: 404,
      });
    });
  });
});
