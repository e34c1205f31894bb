import {
  Agent,
  request as httpRequest,
  type ClientRequest,
  type IncomingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import winston from 'winston';
import { loadConfig } from '../../config';
import { createApp, type AppDeps } from '../../server/api/app';
import { createApiKeysService, type ApiKeysService } from '../../server/auth/api-keys.service';
import { closeRateLimitRedis, openRateLimitRedis } from '../../server/api/middleware/rate-limit-store';
import { startApiServer, type RunningApiServer } from '../../server/api/server';
import { getLogger, replaceLogger, type Logger } from '../../logging/logger';
import { newOrderInput, uniqueId } from '../support/order-fixtures';
import { getDevServer } from '../support/temporal-test-servers';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

interface RawReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

const REDIS_URL = 'redis://127.0.0.1:6379';

function expectProblem(reply: Reply, status: number, code?: string): void {
  expect(reply.status, JSON.stringify(reply.body)).to.equal(status);
  expect(reply.headers.get('content-type')).to.match(/^application\/problem\+json/);
  expect(reply.body.status).to.equal(status);
  expect(reply.body.requestId).to.equal(reply.headers.get('x-request-id'));
  expect(JSON.stringify(reply.body)).not.to.match(/\bat .+\.ts:\d+/);
  if (code) expect(reply.body.type).to.equal(`/problems/${code}`);
}

/** One request on its own connection whose body the test writes when it wants (node:http, not fetch). */
function openRequest(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string | number>,
): { req: ClientRequest; reply: Promise<RawReply> } {
  const req = httpRequest(`${url}${path}`, { method, headers, agent: false });
  const reply = new Promise<RawReply>((resolve, reject) => {
    req.on('error', reject);
    req.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
      response.on('error', reject);
    });
  });
  return { req, reply };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('API hardening: headers, body limits, rate limits, CORS, timeouts, graceful shutdown (e2e)', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let connection: Connection;
  let temporal: Client;
  let namespace: string;
  let keys: ApiKeysService;
  let previousLogger: Logger;
  let redis: Redis;
  const servers: RunningApiServer[] = [];
  const redisPrefixes: string[] = [];

  async function startApp(env: Record<string, string> = {}, deps: Partial<AppDeps> = {}): Promise<RunningApiServer> {
    // No worker polls this queue: started runs stay RUNNING and progress queries go unanswered.
    const config = loadConfig(
      { TEMPORAL_NAMESPACE: namespace, TEMPORAL_TASK_QUEUE: uniqueId('hardening'), ...env },
      false,
    );
    const server = await startApiServer(createApp({ config, temporal, models: db.models, ...deps }), 0);
    servers.push(server);
    return server;
  }

  /** A Redis key prefix of this test only, removed afterwards. */
  function redisPrefix(): string {
    const prefix = uniqueId('junction-test:api-rate');
    redisPrefixes.push(prefix);
    return prefix;
  }

  async function call(
    server: RunningApiServer,
    method: string,
    path: string,
    options: { key?: string; body?: string; headers?: Record<string, string> } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.key) headers.authorization = `Bearer ${options.key}`;
    const response = await fetch(server.url + path, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: options.body }),
    });
    const text = await response.text();
    const isJson = /json/.test(response.headers.get('content-type') ?? '');
    return {
      status: response.status,
      headers: response.headers,
      body: text && isJson ? (JSON.parse(text) as Record<string, unknown>) : { text },
    };
  }

  const newKey = async (scopes: Parameters<ApiKeysService['createKey']>[0]['scopes'] = ['runs:read', 'runs:write']) =>
    (await keys.createKey({ name: uniqueId('caller'), scopes })).key;

  before(async () => {
    previousLogger = getLogger();
    replaceLogger(winston.createLogger({ silent: true }));
    db = await createTestDatabase('api_hardening');
    const temporalServer = await getDevServer();
    namespace = temporalServer.namespace;
    connection = await Connection.connect({ address: temporalServer.address });
    temporal = new Client({ connection, namespace });
    keys = createApiKeysService({ apiKeys: db.models.ApiKey });
    redis = new Redis(REDIS_URL);
  });

  after(async () => {
    await Promise.all(servers.map((server) => server.close(1_000)));
    for (const prefix of redisPrefixes) {
      const stale = await redis.keys(`${prefix}:*`);
      if (stale.length) await redis.del(...stale);
    }
    await redis?.quit();
    await connection?.close();
    await db?.destroy();
    replaceLogger(previousLogger);
  });

  describe('security headers', () => {
    it('sends helmet headers set for an API, and never X-Powered-By', async () => {
      const server = await startApp();
      const reply = await call(server, 'GET', '/healthz');
      expect(reply.status).to.equal(200);
      expect(reply.headers.get('content-security-policy')).to.equal("default-src 'none';frame-ancestors 'none'");
      expect(reply.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(reply.headers.get('x-frame-options')).to.equal('DENY');
      expect(reply.headers.get('referrer-policy')).to.equal('no-referrer');
      expect(reply.headers.get('strict-transport-security')).to.equal('max-age=31536000; includeSubDomains');
      expect(reply.headers.get('cross-origin-resource-policy')).to.equal('same-origin');
      expect(reply.headers.get('cache-control')).to.equal('no-store');
      expect(reply.headers.get('x-powered-by')).to.equal(null);
      // Error answers carry them too.
      const problem = await call(server, 'GET', '/v1/workflows');
      expect(problem.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(problem.headers.get('cache-control')).to.equal('no-store');
    });
  });

  describe('request bodies', () => {
    let server: RunningApiServer;
    let key: string;
    before(async () => {
      server = await startApp();
      key = await newKey();
    });

    const json = { 'content-type': 'application/json' };

    it('answers a JSON body past 256 kB with 413 problem+json, whether it declares its length or not', async () => {
      const admin = await newKey(['admin']);
      const huge = JSON.stringify({
        name: 'crm.big',
        kind: 'crm',
        vendor: 'hubspot',
        settings: { blob: 'x'.repeat(257 * 1024) },
      });
      expectProblem(
        await call(server, 'POST', '/v1/connectors', { key: admin, body: huge, headers: json }),
        413,
        'payload-too-large',
      );

      // Chunked: no Content-Length, so the limit must hold while the body streams in.
      const { req, reply } = openRequest(server.url, 'POST', '/v1/connectors', {
        authorization: `Bearer ${admin}`,
        'content-type': 'application/json',
        'transfer-encoding': 'chunked',
      });
      for (let i = 0; i < 40; i++) req.write('x'.repeat(8 * 1024));
      req.end();
      const chunked = await reply;
      expect(chunked.status).to.equal(413);
      expect(chunked.headers['content-type']).to.match(/^application\/problem\+json/);
      expect((JSON.parse(chunked.body) as { type: string }).type).to.equal('/problems/payload-too-large');
    });

    it('takes a body just under the limit (the refusal is the limit, not the size of the request)', async () => {
      const admin = await newKey(['admin']);
      const justUnder = JSON.stringify({
        name: 'crm.big',
        kind: 'crm',
        vendor: 'no-such-vendor',
        settings: { blob: 'x'.repeat(250 * 1024) },
      });
      expectProblem(
        await call(server, 'POST', '/v1/connectors', { key: admin, body: justUnder, headers: json }),
        400,
        'validation-error',
      );
    });

    it('takes a run input up to 1 MB (a fan-out to thousands of recipients) and refuses more', async () => {
      const underRunLimit = JSON.stringify({ type: 'orderToCash', input: { blob: 'x'.repeat(1000 * 1024) } });
      expectProblem(
        await call(server, 'POST', '/v1/runs', { key, body: underRunLimit, headers: json }),
        400,
        'validation-error',
      );
      const overRunLimit = JSON.stringify({ type: 'orderToCash', input: { blob: 'x'.repeat(1025 * 1024) } });
      expectProblem(
        await call(server, 'POST', '/v1/runs', { key, body: overRunLimit, headers: json }),
        413,
        'payload-too-large',
      );
    });

    it('answers a body that is not JSON with 415 problem+json on every route that takes a body', async () => {
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      expectProblem(
        await call(server, 'POST', '/v1/runs', { key, body: 'type=orderToCash', headers: form }),
        415,
        'unsupported-media-type',
      );
      expectProblem(
        await call(server, 'POST', '/v1/runs', {
          key,
          body: '{"type":"orderToCash"}',
          headers: { 'content-type': 'text/plain' },
        }),
        415,
      );
      const admin = await newKey(['admin']);
      expectProblem(
        await call(server, 'POST', '/v1/connectors', {
          key: admin,
          body: '<connector/>',
          headers: { 'content-type': 'application/xml' },
        }),
        415,
      );
      expectProblem(
        await call(server, 'POST', '/v1/runs/order-x/signals/cancelOrder', {
          key,
          body: 'x',
          headers: { 'content-type': 'text/plain' },
        }),
        415,
      );
    });

    it('accepts application/*+json, and a request without a body reaches validation (400, not 415)', async () => {
      const body = JSON.stringify({ type: 'orderToCash', input: {} });
      expectProblem(
        await call(server, 'POST', '/v1/runs', {
          key,
          body,
          headers: { 'content-type': 'application/vnd.junction+json' },
        }),
        400,
        'validation-error',
      );
      expectProblem(await call(server, 'POST', '/v1/runs', { key }), 400, 'validation-error');
    });
  });

  describe('rate limits', () => {
    it('holds one budget per key across two API replicas sharing Redis, and answers 429 with Retry-After past it', async () => {
      const store = { redis, keyPrefix: redisPrefix() };
      const limits = { API_RATE_LIMIT: '5' };
      const replicaA = await startApp(limits, { rateLimitStore: store });
      const replicaB = await startApp(limits, { rateLimitStore: store });
      const busy = await newKey();
      const other = await newKey();

      const statuses: number[] = [];
      const remaining: (string | null)[] = [];
      for (let i = 0; i < 5; i++) {
        const reply = await call(i % 2 === 0 ? replicaA : replicaB, 'GET', '/v1/workflows', { key: busy });
        statuses.push(reply.status);
        remaining.push(reply.headers.get('ratelimit-remaining'));
      }
      expect(statuses).to.deep.equal([200, 200, 200, 200, 200]);
      expect(remaining).to.deep.equal(['4', '3', '2', '1', '0']);

      for (const replica of [replicaB, replicaA]) {
        const refused = await call(replica, 'GET', '/v1/workflows', { key: busy });
        expectProblem(refused, 429, 'rate-limited');
        const retryAfter = Number(refused.headers.get('retry-after'));
        expect(retryAfter).to.be.within(1, 60);
        expect(refused.headers.get('ratelimit-limit')).to.equal('5');
        expect(refused.headers.get('ratelimit-remaining')).to.equal('0');
      }
      // Another key has its own budget.
      expect((await call(replicaA, 'GET', '/v1/workflows', { key: other })).status).to.equal(200);
      // The counter is in Redis, under this deployment's prefix.
      expect(await redis.keys(`${store.keyPrefix}:principal:*`)).to.have.length(2);
    });

    it('counts calls without a valid key per client address, apart from the budgets of keys', async () => {
      const server = await startApp(
        { API_RATE_LIMIT_ANONYMOUS: '3' },
        { rateLimitStore: { redis, keyPrefix: redisPrefix() } },
      );
      const attempts: Record<string, string>[] = [
        {},
        { authorization: 'Bearer jk_AAAAAAAAAAAA_' + 'A'.repeat(32) },
        { authorization: 'Basic dXNlcjpwYXNz' },
      ];
      for (const headers of attempts) expectProblem(await call(server, 'GET', '/v1/workflows', { headers }), 401);
      const refused = await call(server, 'GET', '/v1/workflows', { headers: { authorization: 'Bearer guess' } });
      expectProblem(refused, 429, 'rate-limited');
      expect(refused.headers.get('retry-after')).to.match(/^\d+$/);
      // A valid key from the same address is not held back by the guessing.
      expect((await call(server, 'GET', '/v1/workflows', { key: await newKey() })).status).to.equal(200);
    });

    it('ignores X-Forwarded-For unless TRUST_PROXY trusts the proxy, so a client cannot dodge its address budget', async () => {
      const limits = { API_RATE_LIMIT_ANONYMOUS: '2' };
      const forwardedFor = (address: string) => ({ headers: { 'x-forwarded-for': address } });
      const direct = await startApp(limits, { rateLimitStore: { redis, keyPrefix: redisPrefix() } });
      expectProblem(await call(direct, 'GET', '/v1/workflows', forwardedFor('203.0.113.1')), 401);
      expectProblem(await call(direct, 'GET', '/v1/workflows', forwardedFor('203.0.113.2')), 401);
      expectProblem(await call(direct, 'GET', '/v1/workflows', forwardedFor('203.0.113.3')), 429, 'rate-limited');

      const behindProxy = await startApp(
        { ...limits, TRUST_PROXY: 'loopback' },
        { rateLimitStore: { redis, keyPrefix: redisPrefix() } },
      );
      expectProblem(await call(behindProxy, 'GET', '/v1/workflows', forwardedFor('203.0.113.1')), 401);
      expectProblem(await call(behindProxy, 'GET', '/v1/workflows', forwardedFor('203.0.113.1')), 401);
      expectProblem(await call(behindProxy, 'GET', '/v1/workflows', forwardedFor('203.0.113.1')), 429, 'rate-limited');
      expectProblem(await call(behindProxy, 'GET', '/v1/workflows', forwardedFor('203.0.113.2')), 401);
    });

    it('when Redis is unreachable, still limits (per process) and answers without waiting for it', async () => {
      const unreachable = openRateLimitRedis('redis://127.0.0.1:1');
      try {
        const server = await startApp(
          { API_RATE_LIMIT: '2' },
          { rateLimitStore: { redis: unreachable, keyPrefix: redisPrefix() } },
        );
        const key = await newKey();
        const started = Date.now();
        expect((await call(server, 'GET', '/v1/workflows', { key })).status).to.equal(200);
        expect((await call(server, 'GET', '/v1/workflows', { key })).status).to.equal(200);
        expectProblem(await call(server, 'GET', '/v1/workflows', { key }), 429, 'rate-limited');
        expect(Date.now() - started).to.be.below(2_000);
      } finally {
        await closeRateLimitRedis(unreachable);
      }
    });
  });

  describe('CORS', () => {
    const preflight = (origin: string) => ({
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type',
    });

    it('is closed by default: no CORS header on a preflight or a call from any origin', async () => {
      const server = await startApp();
      const key = await newKey();
      const pre = await call(server, 'OPTIONS', '/v1/runs', { headers: preflight('https://ops.example.com') });
      expect(pre.headers.get('access-control-allow-origin')).to.equal(null);
      expect(pre.headers.get('access-control-allow-methods')).to.equal(null);
      const actual = await call(server, 'GET', '/v1/workflows', {
        key,
        headers: { origin: 'https://ops.example.com' },
      });
      expect(actual.status).to.equal(200);
      expect(actual.headers.get('access-control-allow-origin')).to.equal(null);
    });

    it('opens to the configured origins only, with the headers the API uses', async () => {
      const server = await startApp({ CORS_ORIGINS: 'https://ops.example.com,http://localhost:5173' });
      const key = await newKey();
      const pre = await call(server, 'OPTIONS', '/v1/runs', { headers: preflight('https://ops.example.com') });
      expect(pre.status).to.equal(204);
      expect(pre.headers.get('access-control-allow-origin')).to.equal('https://ops.example.com');
      expect(pre.headers.get('access-control-allow-methods')).to.contain('POST');
      expect(pre.headers.get('access-control-allow-headers')?.toLowerCase())
        .to.contain('authorization')
        .and.to.contain('idempotency-key');
      expect(pre.headers.get('access-control-allow-credentials')).to.equal(null);

      const actual = await call(server, 'GET', '/v1/workflows', { key, headers: { origin: 'http://localhost:5173' } });
      expect(actual.headers.get('access-control-allow-origin')).to.equal('http://localhost:5173');
      expect(actual.headers.get('access-control-expose-headers'))
        .to.contain('X-Request-Id')
        .and.to.contain('Retry-After');

      const stranger = await call(server, 'OPTIONS', '/v1/runs', { headers: preflight('https://evil.example') });
      expect(stranger.headers.get('access-control-allow-origin')).to.equal(null);
      const strangerCall = await call(server, 'GET', '/v1/workflows', {
        key,
        headers: { origin: 'https://evil.example' },
      });
      expect(strangerCall.headers.get('access-control-allow-origin')).to.equal(null);
    });
  });

  describe('request timeouts', () => {
    it('answers 503 problem+json when a dependency does not answer in time, and keeps serving after the late outcome', async () => {
      // The progress query waits for a worker that never comes; the request budget runs out first.
      const server = await startApp({ API_REQUEST_TIMEOUT_MS: '500' }, { timeouts: { queryMs: 3_000 } });
      const key = await newKey();
      const workflowId = uniqueId('order-timeout');
      await temporal.workflow.start('orderToCash', {
        taskQueue: uniqueId('no-worker'),
        workflowId,
        args: [newOrderInput()],
      });

      const before = Date.now();
      const reply = await call(server, 'GET', `/v1/runs/${workflowId}`, { key });
      const tookMs = Date.now() - before;
      expectProblem(reply, 503, 'request-timeout');
      expect(reply.headers.get('retry-after')).to.equal('5');
      expect(reply.body.detail).to.contain('500 ms');
      expect(tookMs).to.be.within(450, 2_500);

      // The handler finishes after its query deadline; its late answer must not break the server.
      await sleep(3_000);
      expect((await call(server, 'GET', '/healthz')).status).to.equal(200);
      expect((await call(server, 'GET', '/v1/workflows', { key })).status).to.equal(200);
      await temporal.workflow.getHandle(workflowId).terminate('test done');
    });

    it('answers 503 problem+json to a client that trickles its body, and closes that connection', async () => {
      const server = await startApp({ API_REQUEST_TIMEOUT_MS: '300' });
      const key = await newKey();
      const { req, reply } = openRequest(server.url, 'POST', '/v1/runs', {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
        'content-length': 100,
      });
      req.write('{"type":');
      const answered = await reply;
      req.destroy();
      expect(answered.status).to.equal(503);
      expect(answered.headers['content-type']).to.match(/^application\/problem\+json/);
      expect(answered.headers.connection).to.equal('close');
      expect((JSON.parse(answered.body) as { type: string }).type).to.equal('/problems/request-timeout');
    });
  });

  describe('graceful shutdown', () => {
    it('finishes an in-flight request (a run start whose body is still arriving), refusing new connections meanwhile', async () => {
      const server = await startApp();
      const key = await newKey();
      const input = newOrderInput();
      const body = JSON.stringify({ type: 'orderToCash', input });
      let responseFinishedAt = 0;
      const received = new Promise<void>((resolve) =>
        server.server.once('request', (_req, res: ServerResponse) => {
          res.once('finish', () => (responseFinishedAt = Date.now()));
          resolve();
        }),
      );
      const { req, reply } = openRequest(server.url, 'POST', '/v1/runs', {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      req.write(body.slice(0, 20));
      await received;

      let closedAt = 0;
      const closed = server.close(10_000).then(() => (closedAt = Date.now()));
      await sleep(200);
      expect(closedAt, 'close() waits for the request in flight').to.equal(0);
      const refused = await fetch(`${server.url}/healthz`).then(
        () => false,
        () => true,
      );
      expect(refused, 'a new connection is refused while closing').to.equal(true);

      req.end(body.slice(20));
      const answered = await reply;
      expect(answered.status, answered.body).to.equal(202);
      expect(answered.headers.connection).to.equal('close');
      await closed;
      expect(responseFinishedAt).to.be.above(0);
      expect(closedAt, 'close() resolved only after the response went out').to.be.at.least(responseFinishedAt);
      // The run really started: Temporal has it.
      const workflowId = (JSON.parse(answered.body) as { workflowId: string }).workflowId;
      const description = await temporal.workflow.getHandle(workflowId).describe();
      expect(description.status.name).to.equal('RUNNING');
      await temporal.workflow.getHandle(workflowId).terminate('test done');
    });

    it('closes idle keep-alive connections at once instead of waiting for their timeout', async () => {
      const server = await startApp();
      const agent = new Agent({ keepAlive: true });
      await new Promise<void>((resolve, reject) => {
        httpRequest(`${server.url}/healthz`, { agent }, (response) => {
          response.resume();
          response.on('end', resolve);
        })
          .on('error', reject)
          .end();
      });
      expect(Object.values(agent.freeSockets).flat()).to.have.length(1);
      const before = Date.now();
      await server.close(10_000);
      expect(Date.now() - before).to.be.below(1_000);
      agent.destroy();
    });

    it('drops a request still unfinished when the grace time is up', async () => {
      const server = await startApp();
      const key = await newKey();
      const { req, reply } = openRequest(server.url, 'POST', '/v1/runs', {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
        'content-length': 100,
      });
      const received = new Promise<void>((resolve) => server.server.once('request', () => resolve()));
      req.write('{"type":');
      await received;
      const before = Date.now();
      await server.close(400);
      expect(Date.now() - before).to.be.within(350, 2_000);
      const outcome = await reply.then(
        () => 'answered',
        (error: NodeJS.ErrnoException) => error.code,
      );
      expect(outcome).to.equal('ECONNRESET');
    });
  });
});
