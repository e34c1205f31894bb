import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { Client, Connection } from '@temporalio/client';
import { expect } from 'chai';
import winston from 'winston';
import { loadConfig } from '../../config';
import { allowEgressTo } from '../../connectors/egress/egress-policy';
import { createDefaultRegistry, type ConnectorRegistry } from '../../connectors/registry';
import { createVault } from '../../connectors/vault';
import { createApp } from '../../server/api/app';
import { createApiKeysService } from '../../server/auth/api-keys.service';
import { startApiServer, type RunningApiServer } from '../../server/api/server';
import { getLogger, replaceLogger, type Logger } from '../../logging/logger';
import { expectProblem, keyedCall, type KeyedCallOptions, type Reply } from '../support/api-client';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { registryDeps } from '../../server/connectors/registry-deps';

const MASTER_KEY = 'e2e-connectors-master-key-0123456789abcd';
/** Values that must never come back from the API, an audit row or a log line. */
const SMTP_PASSWORD = 'smtp-pw-never-echoed-7f3a';
const ENV_SMTP_PASSWORD = 'env-smtp-pw-never-echoed-91c2';

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

function fields(reply: Reply): string[] {
  return ((reply.body.errors ?? []) as { field: string }[]).map((error) => error.field);
}

describe('API connectors (e2e): /v1/connectors CRUD, write-only credentials, live test', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let connection: Connection;
  let temporal: Client;
  let server: RunningApiServer;
  let registry: ConnectorRegistry;
  let adminKey: string;
  let connectorsKey: string;
  let readerKey: string;
  let previousLogger: Logger;
  let deadPort: number;
  /** The dead port is an allowed destination (as an operator's entry would make it): its failures are the network's. */
  let releaseDeadPort: () => void = () => undefined;
  const logText: string[] = [];

  /** Calls this suite's API, or another server's when `url` is given. */
  function call(
    method: string,
    path: string,
    { url, ...options }: KeyedCallOptions & { url?: string } = {},
  ): Promise<Reply> {
    return keyedCall(
      () => url ?? server.url,
      () => connectorsKey,
    )(method, path, options);
  }

  async function auditRows(requestId: string | null) {
    for (let i = 0; i < 50; i++) {
      const rows = await db.models.AuditEntry.findAll({ where: { requestId } });
      if (rows.length) return rows;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no audit row for request ${requestId}`);
  }

  const smtpBody = (name: string, port: number, extra: Record<string, unknown> = {}) => ({
    name,
    kind: 'email',
    vendor: 'smtp',
    settings: { url: `smtp://127.0.0.1:${port}`, from: 'Shop <shop@shop.example>', connectionTimeoutMs: 2_000 },
    credentials: { username: 'shop', password: SMTP_PASSWORD },
    ...extra,
  });

  before(async () => {
    previousLogger = getLogger();
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logText.push(chunk.toString());
        done();
      },
    });
    replaceLogger(
      winston.createLogger({
        level: 'debug',
        format: winston.format.json(),
        transports: [new winston.transports.Stream({ stream: sink })],
      }),
    );
    db = await createTestDatabase('api_connectors');
    // The connector routes never call Temporal: a lazy connection that is never used is enough.
    connection = Connection.lazy({ address: '127.0.0.1:1' });
    temporal = new Client({ connection });
    const config = loadConfig(
      { JUNCTION_MASTER_KEY: MASTER_KEY, SMTP_URL: `smtp://mailer:${ENV_SMTP_PASSWORD}@127.0.0.1:2525` },
      false,
    );
    registry = createDefaultRegistry(registryDeps(config, db.models));
    server = await startApiServer(
      createApp({ config, temporal, models: db.models, connectors: registry, timeouts: { connectorTestMs: 5_000 } }),
      0,
    );
    const keys = createApiKeysService({ apiKeys: db.models.ApiKey });
    adminKey = (await keys.createKey({ name: 'ops-admin', scopes: ['admin'] })).key;
    connectorsKey = (await keys.createKey({ name: 'integrations', scopes: ['connectors:write'] })).key;
    readerKey = (await keys.createKey({ name: 'dashboard', scopes: ['runs:read', 'runs:write'] })).key;
    deadPort = await closedPort();
    releaseDeadPort = allowEgressTo(`127.0.0.1:${deadPort}`);
  });

  after(async () => {
    releaseDeadPort();
    await server?.close();
    await registry?.close();
    await connection?.close();
    await db?.destroy();
    replaceLogger(previousLogger);
    // Checked last, over everything every test logged.
    const logs = logText.join('\n');
    expect(logs, 'SQL and request logs were captured').to.contain('"sql"').and.contain('connector_instances');
    expect(logs).not.to.contain(SMTP_PASSWORD);
    expect(logs).not.to.contain(ENV_SMTP_PASSWORD);
  });

  describe('authorization', () => {
    it('answers 401 without a key and 403 to a key without connectors:write, reads included; admin may', async () => {
      expectProblem(await call('GET', '/v1/connectors', { key: null }), 401);
      const post = await call('POST', '/v1/connectors', {
        key: null,
        body: { name: 'crm.x', kind: 'crm', vendor: 'sandbox' },
      });
      expectProblem(post, 401);
      for (const [method, path] of [
        ['GET', '/v1/connectors'],
        ['GET', '/v1/connectors/crm.main'],
        ['POST', '/v1/connectors/crm.main/test'],
        ['DELETE', '/v1/connectors/crm.main'],
      ] as const) {
        expectProblem(await call(method, path, { key: readerKey }), 403);
      }
      expect((await call('GET', '/v1/connectors', { key: adminKey })).status).to.equal(200);
      const [row] = await auditRows(post.headers.get('x-request-id'));
      expect(row).to.deep.include({
        action: 'connectors.create',
        outcome: 'failure',
        statusCode: 401,
        actor: 'anonymous',
      });
    });
  });

  describe('reading', () => {
    it('lists the default instances with their source, masking a password in the configured SMTP URL', async () => {
      const reply = await call('GET', '/v1/connectors');
      expect(reply.status).to.equal(200);
      const items = reply.body.items as Record<string, unknown>[];
      expect(items.map((item) => item.name)).to.include.members(['crm.main', 'email.main', 'erp.main', 'payment.main']);
      const email = items.find((item) => item.name === 'email.main')!;
      expect(email).to.deep.include({
        kind: 'email',
        vendor: 'smtp',
        source: 'default',
        enabled: true,
        hasCredentials: false,
        credentialFields: [],
      });
      expect((email.settings as { url: string }).url).to.equal('smtp://mailer:***@127.0.0.1:2525');
      expect(reply.text).not.to.contain(ENV_SMTP_PASSWORD);
      expect(email.links).to.deep.equal({ self: '/v1/connectors/email.main', test: '/v1/connectors/email.main/test' });
    });

    it('pages through the instances in name order with nextPageToken, and refuses a forged token', async () => {
      const all = (await call('GET', '/v1/connectors?pageSize=200')).body.items as { name: string }[];
      expect(all.length).to.be.at.least(4);
      const seen: string[] = [];
      let token: string | null = null;
      do {
        const page = await call('GET', `/v1/connectors?pageSize=2${token ? `&pageToken=${token}` : ''}`);
        expect(page.status).to.equal(200);
        expect((page.body.items as unknown[]).length).to.be.at.most(2);
        seen.push(...(page.body.items as { name: string }[]).map((item) => item.name));
        token = page.body.nextPageToken as string | null;
      } while (token && seen.length <= all.length);
      expect(seen).to.deep.equal(all.map((item) => item.name));
      expect(seen).to.deep.equal([...seen].sort());
      const forged = await call('GET', `/v1/connectors?pageToken=${Buffer.from('NOT A NAME').toString('base64url')}`);
      expectProblem(forged, 400);
      expect(fields(forged)).to.deep.equal(['pageToken']);
      expect(fields(await call('GET', '/v1/connectors?pageSize=0'))).to.deep.equal(['pageSize']);
    });

    it('answers 404 for an unknown name and 400 for a malformed one', async () => {
      expectProblem(await call('GET', '/v1/connectors/crm.nowhere'), 404);
      const bad = await call('GET', '/v1/connectors/NotAName');
      expectProblem(bad, 400);
      expect(fields(bad)).to.deep.equal(['name']);
    });
  });

  describe('creating', () => {
    it('creates an instance (201, Location), shows it as a database instance, and this process resolves it at once', async () => {
      const reply = await call('POST', '/v1/connectors', {
        body: { name: 'crm.eu', kind: 'crm', vendor: 'sandbox', settings: { pageSize: 10 } },
      });
      expect(reply.status, reply.text).to.equal(201);
      expect(reply.headers.get('location')).to.equal('/v1/connectors/crm.eu');
      expect(reply.body).to.deep.include({
        name: 'crm.eu',
        kind: 'crm',
        vendor: 'sandbox',
        source: 'database',
        overrides: null,
        enabled: true,
        settings: { pageSize: 10 },
        hasCredentials: false,
      });
      expect((await call('GET', '/v1/connectors/crm.eu')).body).to.deep.include({ name: 'crm.eu', source: 'database' });
      expect(registry.describeInstance('crm.eu')?.source).to.equal('database');
      expect(registry.resolve('crm', 'crm.eu')).to.include({ name: 'crm.eu', vendor: 'sandbox' });
      const [audit] = await auditRows(reply.headers.get('x-request-id'));
      expect(audit).to.deep.include({
        action: 'connectors.create',
        target: 'crm.eu',
        outcome: 'success',
        statusCode: 201,
      });
    });

    it('stores credentials sealed by the vault and returns only their field names, anywhere', async () => {
      const reply = await call('POST', '/v1/connectors', { body: smtpBody('email.relay', deadPort) });
      expect(reply.status, reply.text).to.equal(201);
      expect(reply.body).to.deep.include({
        hasCredentials: true,
        credentialFields: ['password', 'username'],
        credentialsKeyId: createVault({ masterKey: MASTER_KEY, previousMasterKeys: [] }).currentKeyId,
      });
      expect(reply.text).not.to.contain(SMTP_PASSWORD);

      const row = await db.models.ConnectorInstance.findByPk('email.relay');
      expect(row?.credentialsCiphertext?.toString('latin1')).not.to.contain(SMTP_PASSWORD);
      expect(JSON.stringify(row?.settings)).not.to.contain(SMTP_PASSWORD);
      for (const path of ['/v1/connectors', '/v1/connectors/email.relay'])
        expect((await call('GET', path)).text).not.to.contain(SMTP_PASSWORD);

      const [audit] = await auditRows(reply.headers.get('x-request-id'));
      expect(audit?.details).to.deep.include({ kind: 'email', vendor: 'smtp', credentials: 'replaced' });
      expect(JSON.stringify(audit)).not.to.contain(SMTP_PASSWORD);
    });

    it('names each invalid field, settings and credentials by the vendor schema, without echoing values', async () => {
      const cases: [Record<string, unknown>, string[]][] = [
        [{ name: 'crm.x', kind: 'crm', vendor: 'hubspotty' }, ['vendor']],
        [{ name: 'CRM X', kind: 'crm', vendor: 'sandbox' }, ['name']],
        [{ name: 'erp.x', kind: 'crm', vendor: 'sandbox' }, ['kind']],
        [
          { name: 'crm.x', kind: 'crm', vendor: 'sandbox', settings: { pageSize: 0, bogus: true } },
          ['settings.pageSize', 'settings.bogus'],
        ],
        [
          { name: 'crm.x', kind: 'crm', vendor: 'sandbox', credentials: { token: 'sandbox-token-secret' } },
          ['credentials'],
        ],
        [
          smtpBody('email.x', deadPort, { settings: { url: 'http://relay.example', from: 'a@b.example' } }),
          ['settings.url'],
        ],
        [
          smtpBody('email.x', deadPort, {
            settings: { url: `smtp://shop:${SMTP_PASSWORD}@relay.example`, from: 'a@b.example' },
          }),
          ['settings.url'],
        ],
        [
          smtpBody('email.x', deadPort, { credentials: { username: 'shop', pasword: SMTP_PASSWORD } }),
          ['credentials.password', 'credentials.pasword'],
        ],
        [{ name: 'crm.x', kind: 'crm', vendor: 'sandbox', colour: 'blue' }, ['colour']],
      ];
      for (const [body, expected] of cases) {
        const reply = await call('POST', '/v1/connectors', { body });
        expectProblem(reply, 400, 'validation-error');
        expect(fields(reply), JSON.stringify(body)).to.have.members(expected);
        expect(reply.text).not.to.contain(SMTP_PASSWORD).and.not.contain('sandbox-token-secret');
      }
      expect(await db.models.ConnectorInstance.count({ where: { name: ['crm.x', 'email.x'] } })).to.equal(0);
    });

    it('refuses a name that exists: 409, pointing at PUT for file and default instances', async () => {
      const again = await call('POST', '/v1/connectors', { body: { name: 'crm.eu', kind: 'crm', vendor: 'sandbox' } });
      expectProblem(again, 409, 'connector-exists');
      const overDefault = await call('POST', '/v1/connectors', {
        body: { name: 'crm.main', kind: 'crm', vendor: 'sandbox' },
      });
      expectProblem(overDefault, 409, 'connector-exists');
      expect(overDefault.body.detail).to.contain('PUT /v1/connectors/crm.main');
    });
  });

  describe('changing and deleting', () => {
    it('PUT overrides a default instance in the database (201, then 200); DELETE falls back to the default', async () => {
      const put = await call('PUT', '/v1/connectors/crm.main', {
        body: { kind: 'crm', vendor: 'sandbox', settings: { pageSize: 7 } },
      });
      expect(put.status, put.text).to.equal(201);
      expect(put.body).to.deep.include({ source: 'database', overrides: 'default', settings: { pageSize: 7 } });
      const again = await call('PUT', '/v1/connectors/crm.main', {
        body: { kind: 'crm', vendor: 'sandbox', settings: { pageSize: 8 } },
      });
      expect(again.status).to.equal(200);
      expect(registry.describeInstance('crm.main')?.definition.settings).to.deep.equal({ pageSize: 8 });

      const deleted = await call('DELETE', '/v1/connectors/crm.main');
      expect(deleted.status).to.equal(204);
      expect((await call('GET', '/v1/connectors/crm.main')).body).to.deep.include({ source: 'default', settings: {} });
      expect(registry.describeInstance('crm.main')?.source).to.equal('default');
      const [audit] = await auditRows(deleted.headers.get('x-request-id'));
      expect(audit).to.deep.include({
        action: 'connectors.delete',
        target: 'crm.main',
        outcome: 'success',
        statusCode: 204,
      });
      expect(audit?.details).to.deep.include({ fallback: 'default' });
    });

    it('refuses to PATCH or DELETE an instance that only a file or the defaults define (409), and answers 404 for unknown ones', async () => {
      expectProblem(
        await call('PATCH', '/v1/connectors/email.main', { body: { enabled: false } }),
        409,
        'connector-not-editable',
      );
      expectProblem(await call('DELETE', '/v1/connectors/email.main'), 409, 'connector-not-editable');
      expectProblem(await call('PATCH', '/v1/connectors/crm.nowhere', { body: { enabled: false } }), 404);
      expectProblem(await call('DELETE', '/v1/connectors/crm.nowhere'), 404);
      const mismatch = await call('PUT', '/v1/connectors/crm.eu', {
        body: { name: 'crm.other', kind: 'crm', vendor: 'sandbox' },
      });
      expect(fields(mismatch)).to.deep.equal(['name']);
    });

    it('PATCH merges settings, keeps credentials unless replaced or cleared, and rebuilds the instance in this process', async () => {
      expect((await call('POST', '/v1/connectors', { body: smtpBody('email.patch', deadPort) })).status).to.equal(201);
      const built = registry.resolve('email', 'email.patch');
      const sealedBefore = (await db.models.ConnectorInstance.findByPk('email.patch'))?.credentialsCiphertext;

      const merged = await call('PATCH', '/v1/connectors/email.patch', {
        body: { settings: { from: 'Billing <billing@shop.example>', connectionTimeoutMs: null } },
      });
      expect(merged.status, merged.text).to.equal(200);
      expect(merged.body.settings).to.deep.equal({
        url: `smtp://127.0.0.1:${deadPort}`,
        from: 'Billing <billing@shop.example>',
      });
      expect(merged.body).to.deep.include({ hasCredentials: true, credentialFields: ['password', 'username'] });
      expect(
        (await db.models.ConnectorInstance.findByPk('email.patch'))?.credentialsCiphertext?.equals(sealedBefore!),
      ).to.equal(true);
      expect(registry.resolve('email', 'email.patch'), 'rebuilt after the change').not.to.equal(built);

      const replaced = await call('PATCH', '/v1/connectors/email.patch', {
        body: { credentials: { username: 'billing', password: `${SMTP_PASSWORD}-2` } },
      });
      expect(replaced.body).to.deep.include({ hasCredentials: true });
      expect(
        (await db.models.ConnectorInstance.findByPk('email.patch'))?.credentialsCiphertext?.equals(sealedBefore!),
      ).to.equal(false);
      const [audit] = await auditRows(replaced.headers.get('x-request-id'));
      expect(audit).to.deep.include({ action: 'connectors.update', target: 'email.patch' });
      expect(audit?.details).to.deep.include({ credentials: 'replaced' });

      const cleared = await call('PATCH', '/v1/connectors/email.patch', {
        body: { credentials: null, enabled: false },
      });
      expect(cleared.body).to.deep.include({ hasCredentials: false, credentialFields: [], enabled: false });
      expect(() => registry.resolve('email', 'email.patch')).to.throw('disabled');

      const badPatch = await call('PATCH', '/v1/connectors/email.patch', { body: { settings: { url: 'ftp://nope' } } });
      expect(fields(badPatch)).to.deep.equal(['settings.url']);
      const otherKind = await call('PATCH', '/v1/connectors/email.patch', { body: { kind: 'crm' } });
      expect(fields(otherKind)).to.deep.equal(['kind']);
    });

    it('when PATCH or PUT moves the SMTP URL of an instance with credentials, then they must come along (422 naming the field) or be dropped; the audit row says which', async () => {
      expect((await call('POST', '/v1/connectors', { body: smtpBody('email.moved', deadPort) })).status).to.equal(201);
      const elsewhere = `smtp://relay.example.net:${deadPort}`;

      const kept = await call('PATCH', '/v1/connectors/email.moved', { body: { settings: { url: elsewhere } } });
      expectProblem(kept, 422, 'credentials-required');
      expect(kept.body.errors).to.deep.equal([
        {
          field: 'settings.url',
          message: 'changed: send the credentials again in the same request, or "credentials": null to drop them',
        },
      ]);
      const put = await call('PUT', '/v1/connectors/email.moved', {
        body: { kind: 'email', vendor: 'smtp', settings: { ...smtpBody('x', deadPort).settings, url: elsewhere } },
      });
      expectProblem(put, 422, 'credentials-required');
      expect((await call('GET', '/v1/connectors/email.moved')).body.settings).to.deep.include({
        url: `smtp://127.0.0.1:${deadPort}`,
      });

      const unchangedUrl = await call('PATCH', '/v1/connectors/email.moved', {
        body: { settings: { from: 'Billing <billing@shop.example>' } },
      });
      expect(unchangedUrl.status, 'other settings change without credentials').to.equal(200);

      const dropped = await call('PATCH', '/v1/connectors/email.moved', {
        body: { settings: { url: elsewhere }, credentials: null },
      });
      expect(dropped.status, dropped.text).to.equal(200);
      expect(dropped.body).to.deep.include({ hasCredentials: false });
      expect((await auditRows(dropped.headers.get('x-request-id')))[0]?.details).to.deep.include({
        credentials: 'cleared',
      });

      const resent = await call('PATCH', '/v1/connectors/email.moved', {
        body: {
          settings: { url: `smtp://127.0.0.1:${deadPort}` },
          credentials: { username: 'shop', password: SMTP_PASSWORD },
        },
      });
      expect(resent.status, resent.text).to.equal(200);
      expect((await auditRows(resent.headers.get('x-request-id')))[0]?.details).to.deep.include({
        credentials: 'replaced',
      });
    });

    it('refuses what only the operator chooses: a Redis URL for the rate limit, and SMTP URL options that move the connection (400 naming the field)', async () => {
      const redis = await call('POST', '/v1/connectors', {
        body: {
          name: 'crm.redis',
          kind: 'crm',
          vendor: 'hubspot',
          settings: { rateLimit: { points: 10, durationSeconds: 1, redisUrl: 'redis://10.0.0.7:6379' } },
          credentials: { accessToken: 'pat-1' },
        },
      });
      expectProblem(redis, 400);
      expect(fields(redis)).to.deep.equal(['settings.rateLimit.redisUrl']);
      const rerouted = await call('POST', '/v1/connectors', {
        body: smtpBody('email.rerouted', deadPort, {
          settings: { url: `smtp://relay.example.net:587?host=127.0.0.1&port=3306`, from: 'Shop <shop@shop.example>' },
        }),
      });
      expectProblem(rerouted, 400);
      expect(fields(rerouted)).to.deep.equal(['settings.url', 'settings.url']);
      expect(await db.models.ConnectorInstance.count({ where: { name: ['crm.redis', 'email.rerouted'] } })).to.equal(0);
    });

    it('asks for the credentials again when PUT changes the vendor of an instance that has some', async () => {
      expect((await call('POST', '/v1/connectors', { body: smtpBody('email.switch', deadPort) })).status).to.equal(201);
      registry.registerVendor({
        kind: 'email',
        vendor: 'other-smtp',
        create: () => {
          throw new Error('not built in this test');
        },
      });
      const reply = await call('PUT', '/v1/connectors/email.switch', {
        body: { kind: 'email', vendor: 'other-smtp', settings: {} },
      });
      expectProblem(reply, 400);
      expect(reply.body.errors).to.deep.equal([
        { field: 'credentials', message: 'must be given again when the vendor changes' },
      ]);
    });
  });

  describe('POST /v1/connectors/:name/test', () => {
    it('runs the health check live: the sandbox answers ok with a latency', async () => {
      const reply = await call('POST', '/v1/connectors/crm.eu/test');
      expect(reply.status).to.equal(200);
      expect(reply.body).to.have.keys(['ok', 'latencyMs']);
      expect(reply.body.ok).to.equal(true);
      expect(reply.body.latencyMs).to.be.a('number');
      const [audit] = await auditRows(reply.headers.get('x-request-id'));
      expect(audit).to.deep.include({ action: 'connectors.test', target: 'crm.eu', outcome: 'success' });
      expect(audit?.details).to.deep.include({ ok: true });
    });

    it('answers ok:false with the connector error when SMTP points at a closed port, never echoing the password', async () => {
      const reply = await call('POST', '/v1/connectors/email.relay/test');
      expect(reply.status).to.equal(200);
      expect(reply.body.ok).to.equal(false);
      expect(reply.body.error).to.deep.include({ code: 'NETWORK', retryable: true });
      expect((reply.body.error as { message: string }).message).to.contain('email.relay');
      expect(reply.text).not.to.contain(SMTP_PASSWORD);
      const [audit] = await auditRows(reply.headers.get('x-request-id'));
      expect(audit?.details).to.deep.include({ ok: false, code: 'NETWORK' });
    });

    it('answers ok:false CONNECTOR_MISCONFIGURED for an instance that cannot be built, and 404 for an unknown one', async () => {
      await db.models.ConnectorInstance.create({
        name: 'crm.orphan',
        kind: 'crm',
        vendor: 'removed-plugin',
        settings: {},
      });
      const reply = await call('POST', '/v1/connectors/crm.orphan/test');
      expect(reply.body).to.deep.include({ ok: false });
      expect(reply.body.error).to.deep.include({ code: 'CONNECTOR_MISCONFIGURED' });
      expectProblem(await call('POST', '/v1/connectors/crm.nowhere/test'), 404);
    });
  });

  describe('without JUNCTION_MASTER_KEY', () => {
    it('refuses to store credentials (409 naming the variable) but stores instances without them; sealed rows show credentialsError', async () => {
      const config = loadConfig({}, false);
      const keyless = await startApiServer(createApp({ config, temporal, models: db.models }), 0);
      try {
        const refused = await call('POST', '/v1/connectors', {
          url: keyless.url,
          body: smtpBody('email.keyless', deadPort),
        });
        expectProblem(refused, 409, 'vault-not-configured');
        expect(refused.body.detail).to.contain('JUNCTION_MASTER_KEY');
        expect(await db.models.ConnectorInstance.findByPk('email.keyless')).to.equal(null);

        const { credentials: _credentials, ...withoutCredentials } = smtpBody('email.keyless', deadPort);
        expect((await call('POST', '/v1/connectors', { url: keyless.url, body: withoutCredentials })).status).to.equal(
          201,
        );

        const sealed = await call('GET', '/v1/connectors/email.relay', { url: keyless.url });
        expect(sealed.body).to.deep.include({
          hasCredentials: true,
          credentialFields: [],
          credentialsError: 'unknown-key',
        });
      } finally {
        await keyless.close();
      }
    });
  });
});
