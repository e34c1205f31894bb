import { Writable } from 'node:stream';
import { Client, Connection } from '@temporalio/client';
import { expect } from 'chai';
import express from 'express';
import winston from 'winston';
import { loadConfig } from '../../config';
import { createApp } from '../../server/api/app';
import { createApiKeysService, type ApiKeysService } from '../../server/auth/api-keys.service';
import { startApiServer, type RunningApiServer } from '../../server/api/server';
import { currentLogContext } from '../../logging/log-context';
import { getLogger, replaceLogger, type Logger } from '../../logging/logger';
import { runJunctionAdmin } from '../support/admin-runner';
import { getDevServer } from '../support/temporal-test-servers';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function call(
  url: string,
  method: string,
  path: string,
  options: { key?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  if (options.body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
  const body =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  const response = await fetch(url + path, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

function expectProblem(reply: Reply, status: number): void {
  expect(reply.status).to.equal(status);
  expect(reply.headers.get('content-type')).to.match(/^application\/problem\+json/);
  expect(reply.body).to.include({ status });
  expect(reply.body.type).to.be.a('string');
  expect(reply.body.title).to.be.a('string');
  expect(reply.body.detail).to.be.a('string');
  expect(reply.body.requestId).to.equal(reply.headers.get('x-request-id'));
  expect(JSON.stringify(reply.body)).not.to.match(/\bat .+\.ts:\d+/);
}

/** Polls until the audit row of a request appears (it is written when the response ends). */
async function auditRowFor(db: TestDatabase, requestId: string) {
  for (let i = 0; i < 50; i++) {
    const row = await db.models.AuditEntry.findOne({ where: { requestId } });
    if (row) return row;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no audit row for request ${requestId}`);
}

describe('API authentication, errors and health (e2e)', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let connection: Connection;
  let server: RunningApiServer;
  let keys: ApiKeysService;
  let url: string;
  let previousLogger: Logger;
  const logLines: Record<string, unknown>[] = [];

  before(async () => {
    previousLogger = getLogger();
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const withContext = winston.format((info) => Object.assign(info, { ...currentLogContext(), ...info }));
    replaceLogger(
      winston.createLogger({
        level: 'debug',
        format: winston.format.combine(withContext(), winston.format.json()),
        transports: [new winston.transports.Stream({ stream: sink })],
      }),
    );

    db = await createTestDatabase('api_auth');
    const temporalServer = await getDevServer();
    connection = await Connection.connect({ address: temporalServer.address });
    const temporal = new Client({ connection, namespace: temporalServer.namespace });
    const config = loadConfig({ TEMPORAL_NAMESPACE: temporalServer.namespace, TEMPORAL_TASK_QUEUE: 'api-auth-unused' });
    server = await startApiServer(createApp({ config, temporal, models: db.models, timeouts: { queryMs: 300 } }), 0);
    url = server.url;
    keys = createApiKeysService({ apiKeys: db.models.ApiKey });
  });

  after(async () => {
    await server?.close();
    await connection?.close();
    await db?.destroy();
    replaceLogger(previousLogger);
  });

  describe('health', () => {
    it('answers /healthz without a key', async () => {
      const reply = await call(url, 'GET', '/healthz');
      expect(reply.status).to.equal(200);
      expect(reply.body).to.deep.equal({ status: 'ok' });
    });

    it('answers /readyz with 200 when the database and Temporal answer', async () => {
      const reply = await call(url, 'GET', '/readyz');
      expect(reply.status).to.equal(200);
      expect(reply.body).to.deep.equal({ status: 'ok', checks: { database: 'ok', temporal: 'ok' } });
    });

    it('answers /readyz with 503 naming Temporal when it is unreachable, and a failed ready() hook as app', async () => {
      const deadConnection = Connection.lazy({ address: '127.0.0.1:1' });
      const temporal = new Client({ connection: deadConnection });
      const app = createApp({
        config: loadConfig({}),
        temporal,
        models: db.models,
        ready: () => Promise.reject(new Error('still syncing schedules')),
        timeouts: { readinessMs: 500 },
      });
      const unready = await startApiServer(app, 0);
      try {
        const reply = await call(unready.url, 'GET', '/readyz');
        expectProblem(reply, 503);
        expect(reply.body.checks).to.deep.equal({ database: 'ok', temporal: 'failed', app: 'failed' });
      } finally {
        await unready.close();
        await deadConnection.close();
      }
    });
  });

  describe('bearer keys', () => {
    it('refuses a request without a key with 401, WWW-Authenticate: Bearer and a problem body', async () => {
      const reply = await call(url, 'GET', '/v1/workflows');
      expectProblem(reply, 401);
      expect(reply.headers.get('www-authenticate')).to.match(/^Bearer\b/);
    });

    it('refuses malformed, unknown, revoked and expired keys alike with 401', async () => {
      const valid = await keys.createKey({ name: 'valid', scopes: ['runs:read'] });
      const revoked = await keys.createKey({ name: 'revoked', scopes: ['runs:read'] });
      await keys.revokeKey(revoked.id);
      const expired = await keys.createKey({
        name: 'expired',
        scopes: ['runs:read'],
        expiresAt: new Date(Date.now() - 1000),
      });
      const wrongSecret =
        `${valid.key.slice(0, -4)}AAAA` === valid.key
          ? `${valid.key.slice(0, -4)}BBBB`
          : `${valid.key.slice(0, -4)}AAAA`;
      const attempts: Record<string, string>[] = [
        { authorization: 'Basic dXNlcjpwYXNz' },
        { authorization: 'Bearer' },
        { authorization: 'Bearer not-a-key' },
        { authorization: `Bearer ${wrongSecret}` },
        { authorization: `Bearer jk_AAAAAAAAAAAA_${'A'.repeat(32)}` },
        { authorization: `Bearer ${revoked.key}` },
        { authorization: `Bearer ${expired.key}` },
      ];
      for (const headers of attempts) {
        const reply = await call(url, 'GET', '/v1/workflows', { headers });
        expectProblem(reply, 401);
        expect(reply.headers.get('www-authenticate'), headers.authorization).to.match(/^Bearer\b/);
      }
      expect((await call(url, 'GET', '/v1/workflows', { key: valid.key })).status).to.equal(200);
    });

    it('refuses a key without the route scope with 403, and lets admin through everywhere', async () => {
      const reader = await keys.createKey({ name: 'reader', scopes: ['runs:read'] });
      const admin = await keys.createKey({ name: 'admin', scopes: ['admin'] });
      const reply = await call(url, 'POST', '/v1/runs', { key: reader.key, body: { type: 'orderToCash', input: {} } });
      expectProblem(reply, 403);
      expect(reply.body.detail).to.contain('runs:write');
      const asAdmin = await call(url, 'POST', '/v1/runs', { key: admin.key, body: { type: 'orderToCash', input: {} } });
      expect(asAdmin.status).to.equal(400);
    });

    it('records when a key was last used', async () => {
      const created = await keys.createKey({ name: 'tracked', scopes: ['runs:read'] });
      await call(url, 'GET', '/v1/workflows', { key: created.key });
      const row = await db.models.ApiKey.findByPk(created.id);
      expect(row!.lastUsedAt).to.be.instanceOf(Date);
    });

    it('accepts a key created with `junction-admin keys create`, printed alone on the last line', async () => {
      const created = await runJunctionAdmin(db.url, [
        'keys',
        'create',
        '--name',
        'from-cli',
        '--scopes',
        'runs:read',
        '--expires-in-days',
        '2',
      ]);
      expect(created.code, created.stderr).to.equal(0);
      const lines = created.stdout.trimEnd().split('\n');
      const key = lines[lines.length - 1]!;
      expect(key).to.match(/^jk_[0-9A-Za-z]{12}_[0-9A-Za-z]{32}$/);
      expect((await call(url, 'GET', '/v1/workflows', { key })).status).to.equal(200);
    });

    it('exits with 2 and usage on bad arguments to junction-admin keys', async () => {
      const failure = await runJunctionAdmin(db.url, ['keys', 'create', '--name', 'x']);
      expect(failure.code).to.equal(2);
      expect(failure.stderr).to.contain('Usage: junction-admin keys create');
    });
  });

  describe('server lifecycle', () => {
    it('finishes an in-flight request on close, then refuses new connections', async () => {
      const slow = express();
      slow.get('/slow', (_req, res) => {
        setTimeout(() => res.json({ done: true }), 300);
      });
      const running = await startApiServer(slow, 0);
      const inFlight = fetch(`${running.url}/slow`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const closed = running.close(5_000);
      const response = await inFlight;
      expect(response.status).to.equal(200);
      expect(await response.json()).to.deep.equal({ done: true });
      await closed;
      const refused = await fetch(`${running.url}/slow`).then(
        () => false,
        () => true,
      );
      expect(refused).to.equal(true);
    });
  });

  describe('errors, request ids and audit', () => {
    let adminKey: string;
    before(async () => {
      adminKey = (await keys.createKey({ name: 'ops', scopes: ['admin'] })).key;
    });

    it('answers unknown routes with a 404 problem (after authentication under /v1)', async () => {
      expectProblem(await call(url, 'GET', '/nowhere'), 404);
      expectProblem(await call(url, 'GET', '/v1/nowhere'), 401);
      expectProblem(await call(url, 'GET', '/v1/nowhere', { key: adminKey }), 404);
    });

    it('echoes a sane X-Request-Id and replaces one that is not', async () => {
      const kept = await call(url, 'GET', '/healthz', { headers: { 'x-request-id': 'shop-req-42' } });
      expect(kept.headers.get('x-request-id')).to.equal('shop-req-42');
      const replaced = await call(url, 'GET', '/healthz', { headers: { 'x-request-id': 'bad id <script>' } });
      expect(replaced.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
    });

    it('answers malformed JSON with 400 and an oversized body with 413', async () => {
      expectProblem(await call(url, 'POST', '/v1/runs', { key: adminKey, body: '{"type":' }), 400);
      // A run's input may be up to 1 MB (START_RUN_BODY_LIMIT).
      const huge = JSON.stringify({ type: 'orderToCash', input: { blob: 'x'.repeat(1100 * 1024) } });
      expectProblem(await call(url, 'POST', '/v1/runs', { key: adminKey, body: huge }), 413);
    });

    it('audits a refused mutating call as a failure by an anonymous actor', async () => {
      const reply = await call(url, 'POST', '/v1/runs', {
        body: { type: 'orderToCash', input: {} },
        headers: { 'x-request-id': `audit-anon-${Date.now()}` },
      });
      expectProblem(reply, 401);
      const row = await auditRowFor(db, reply.headers.get('x-request-id')!);
      expect(row.toJSON()).to.include({
        actor: 'anonymous',
        action: 'runs.start',
        outcome: 'failure',
        statusCode: 401,
      });
    });

    it('audits a failed call with the key as actor and the action name', async () => {
      const reply = await call(url, 'POST', '/v1/runs', { key: adminKey, body: { type: 'noSuchProcess', input: {} } });
      expectProblem(reply, 404);
      const row = await auditRowFor(db, reply.headers.get('x-request-id')!);
      expect(row.actor).to.match(/^ops \([0-9A-Za-z]{12}\)$/);
      expect(row.toJSON()).to.include({ action: 'runs.start', outcome: 'failure', statusCode: 404 });
    });

    it('logs one line per request with its requestId, route and status, and never the key', async () => {
      const requestId = `log-check-${Date.now()}`;
      await call(url, 'GET', '/v1/workflows', { key: adminKey, headers: { 'x-request-id': requestId } });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const lines = logLines.filter((line) => line.requestId === requestId);
      const requestLines = lines.filter((line) => line.message === 'request');
      expect(requestLines).to.have.length(1);
      expect(requestLines[0]).to.include({ method: 'GET', route: '/v1/workflows', status: 200 });
      expect(JSON.stringify(logLines)).not.to.contain(adminKey);
    });
  });
});
