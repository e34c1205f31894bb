import { Client, Connection } from '@temporalio/client';
import { expect } from 'chai';
import winston from 'winston';
import { loadConfig } from '../../config';
import { createApp } from '../../server/api/app';
import { createApiKeysService, type ApiKeysService } from '../../server/auth/api-keys.service';
import { startApiServer, type RunningApiServer } from '../../server/api/server';
import { getLogger, replaceLogger, type Logger } from '../../logging/logger';
import { newOrderInput, uniqueId } from '../support/order-fixtures';
import { getDevServer } from '../support/temporal-test-servers';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const METRICS_TOKEN = 'scraper-token-0123456789abcdef0123456789';

/** The value of one sample line (`name{labels} value`), or null when the exposition has no such line. */
function sample(exposition: string, name: string, labels: Record<string, string>): number | null {
  const wanted = Object.entries(labels).map(([label, value]) => `${label}="${value}"`);
  for (const line of exposition.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = (match[2] ?? '').split(/,(?=[a-zA-Z_]+=")/);
    if (wanted.every((pair) => present.includes(pair))) return Number(match[3]);
  }
  return null;
}

describe('API metrics: GET /metrics in the Prometheus format (e2e)', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let connection: Connection;
  let temporal: Client;
  let server: RunningApiServer;
  let keys: ApiKeysService;
  let adminKey: string;
  let writerKey: string;
  let previousLogger: Logger;
  const workflowIds: string[] = [];

  async function call(
    path: string,
    options: { key?: string; method?: string; body?: unknown; target?: RunningApiServer } = {},
  ) {
    const headers: Record<string, string> = {};
    if (options.key) headers.authorization = `Bearer ${options.key}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch((options.target ?? server).url + path, {
      method: options.method ?? 'GET',
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  }

  const scrape = async (target: RunningApiServer = server) => {
    const reply = await call('/metrics', { key: METRICS_TOKEN, target });
    expect(reply.status, reply.text).to.equal(200);
    return reply.text;
  };

  before(async () => {
    previousLogger = getLogger();
    replaceLogger(winston.createLogger({ silent: true }));
    db = await createTestDatabase('api_metrics');
    const temporalServer = await getDevServer();
    connection = await Connection.connect({ address: temporalServer.address });
    temporal = new Client({ connection, namespace: temporalServer.namespace });
    // No worker polls this queue: started runs stay RUNNING, which is all the run counter needs.
    const config = loadConfig(
      { TEMPORAL_NAMESPACE: temporalServer.namespace, TEMPORAL_TASK_QUEUE: uniqueId('api-metrics'), METRICS_TOKEN },
      false,
    );
    server = await startApiServer(createApp({ config, temporal, models: db.models, timeouts: { queryMs: 300 } }), 0);
    keys = createApiKeysService({ apiKeys: db.models.ApiKey });
    adminKey = (await keys.createKey({ name: 'ops', scopes: ['admin'] })).key;
    writerKey = (await keys.createKey({ name: 'shop', scopes: ['runs:read', 'runs:write'] })).key;
  });

  after(async () => {
    for (const workflowId of workflowIds)
      await temporal.workflow
        .getHandle(workflowId)
        .terminate('test done')
        .catch(() => undefined);
    await server?.close();
    await connection?.close();
    await db?.destroy();
    replaceLogger(previousLogger);
  });

  describe('access', () => {
    it('refuses a scrape without a credential (401) or with a key lacking admin (403), as problem+json', async () => {
      const anonymous = await call('/metrics');
      expect(anonymous.status).to.equal(401);
      expect(anonymous.headers.get('content-type')).to.match(/^application\/problem\+json/);
      expect(anonymous.headers.get('www-authenticate')).to.match(/^Bearer\b/);
      expect(anonymous.text).not.to.contain('http_requests_total');

      expect((await call('/metrics', { key: 'not-the-token' })).status).to.equal(401);
      const reader = await call('/metrics', { key: writerKey });
      expect(reader.status).to.equal(403);
      expect(JSON.parse(reader.text)).to.include({ type: '/problems/forbidden' });
    });

    it('serves METRICS_TOKEN holders and admin keys in the Prometheus text format', async () => {
      for (const key of [METRICS_TOKEN, adminKey]) {
        const reply = await call('/metrics', { key });
        expect(reply.status).to.equal(200);
        expect(reply.headers.get('content-type')).to.equal('text/plain; version=0.0.4; charset=utf-8');
        expect(reply.text).to.contain('# TYPE http_requests_total counter');
      }
    });
  });

  describe('content', () => {
    it('counts and times requests by method, route pattern and status, never by raw path', async () => {
      const before = await scrape();
      const at = (exposition: string, labels: Record<string, string>) =>
        sample(exposition, 'http_requests_total', labels) ?? 0;
      const listed = { method: 'GET', route: '/v1/workflows', status: '200' };
      const missingRun = { method: 'GET', route: '/v1/runs/:workflowId', status: '404' };
      const unmatched = { method: 'GET', route: 'unmatched', status: '404' };

      for (let i = 0; i < 3; i++) expect((await call('/v1/workflows', { key: writerKey })).status).to.equal(200);
      expect((await call('/v1/runs/order-secret-id-4711', { key: writerKey })).status).to.equal(404);
      expect((await call('/v1/runs/order-secret-id-4712', { key: writerKey })).status).to.equal(404);
      expect((await call('/no/such/path/abc-987', { key: writerKey })).status).to.equal(404);
      expect((await call('/v1/runs/x/nowhere/def-654', { key: writerKey })).status).to.equal(404);

      const after = await scrape();
      expect(at(after, listed) - at(before, listed)).to.equal(3);
      expect(at(after, missingRun) - at(before, missingRun)).to.equal(2);
      expect(at(after, unmatched) - at(before, unmatched)).to.equal(2);
      for (const raw of ['order-secret-id-4711', 'abc-987', 'def-654', '/no/such']) expect(after).not.to.contain(raw);

      // The histogram has the same labels; its count matches the counter and +Inf bucket holds every request.
      expect(sample(after, 'http_request_duration_seconds_count', listed)).to.equal(at(after, listed));
      expect(sample(after, 'http_request_duration_seconds_bucket', { ...listed, le: '+Inf' })).to.equal(
        at(after, listed),
      );
      expect(sample(after, 'http_request_duration_seconds_sum', listed)).to.be.above(0);
      // A refusal by authorize (401 without a key) counts under the route it was refused on.
      expect((await call('/v1/workflows')).status).to.equal(401);
      expect(
        sample(await scrape(), 'http_requests_total', { method: 'GET', route: '/v1/workflows', status: '401' }),
      ).to.be.at.least(1);
    });

    it('counts runs started by type, and not the starts that were refused', async () => {
      const counted = async () => sample(await scrape(), 'junction_runs_started_total', { type: 'orderToCash' }) ?? 0;
      const before = await counted();
      for (let i = 0; i < 2; i++) {
        const started = await call('/v1/runs', {
          key: writerKey,
          method: 'POST',
          body: { type: 'orderToCash', input: newOrderInput() },
        });
        expect(started.status, started.text).to.equal(202);
        workflowIds.push((JSON.parse(started.text) as { workflowId: string }).workflowId);
      }
      expect(
        (await call('/v1/runs', { key: writerKey, method: 'POST', body: { type: 'orderToCash', input: {} } })).status,
      ).to.equal(400);
      expect(
        (await call('/v1/runs', { key: writerKey, method: 'POST', body: { type: 'noSuchProcess', input: {} } })).status,
      ).to.equal(404);
      expect((await counted()) - before).to.equal(2);
      expect(await scrape()).not.to.contain('type="noSuchProcess"');
    });

    it("includes the process's own health (prom-client default metrics)", async () => {
      const exposition = await scrape();
      for (const name of [
        'process_cpu_user_seconds_total',
        'process_resident_memory_bytes',
        'nodejs_eventloop_lag_seconds',
        'nodejs_heap_size_used_bytes',
        'nodejs_active_handles_total',
      ]) {
        expect(exposition, name).to.match(new RegExp(`^${name} \\d`, 'm'));
      }
    });

    it("keeps each app's request metrics apart (one registry per app), sharing the process metrics", async () => {
      const config = loadConfig({ TEMPORAL_NAMESPACE: 'default', METRICS_TOKEN }, false);
      const other = await startApiServer(createApp({ config, temporal, models: db.models }), 0);
      try {
        const exposition = await scrape(other);
        expect(
          sample(exposition, 'http_requests_total', { method: 'GET', route: '/v1/workflows', status: '200' }),
        ).to.equal(null);
        expect(exposition).to.match(/^process_resident_memory_bytes \d/m);
      } finally {
        await other.close();
      }
    });
  });
});
