import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import {
  createHttpClient,
  type CircuitBreakerOptions,
  type HttpClient,
  type RateLimitOptions,
} from '../../connectors/http';
import type { ConnectorError } from '../../connectors/connector-error';
import { connectorFailureOf } from '../support/expect-connector-error';
import { FakeVendorApi } from '../fakes/vendor-api-server';
import { listen } from '../fakes/listen';

const REDIS_URL = 'redis://127.0.0.1:6379';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Settles every call, keeping results and ConnectorErrors apart. */
async function settle(calls: Array<Promise<unknown>>): Promise<{ ok: number; failures: ConnectorError[] }> {
  const results = await Promise.allSettled(calls);
  return {
    ok: results.filter((r) => r.status === 'fulfilled').length,
    failures: results.flatMap((r) => (r.status === 'rejected' ? [r.reason as ConnectorError] : [])),
  };
}

describe('HTTP client resilience (Redis rate limit, circuit breaker)', () => {
  let api: FakeVendorApi;
  const clients: HttpClient[] = [];
  const redisConnections: Redis[] = [];
  let keyPrefix: string;

  beforeEach(async () => {
    api = await new FakeVendorApi().start();
    keyPrefix = `junction-test:rate-limit:${randomUUID()}`;
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    const cleaner = new Redis(REDIS_URL);
    const keys = await cleaner.keys(`${keyPrefix}:*`);
    if (keys.length > 0) await cleaner.del(...keys);
    await cleaner.quit();
    await Promise.all(redisConnections.splice(0).map((redis) => redis.quit()));
    await api.close();
  });

  /** A separate Redis connection, as a separate worker process would have. */
  async function processRedis(): Promise<Redis> {
    const redis = new Redis(REDIS_URL);
    redisConnections.push(redis);
    if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
    return redis;
  }

  function client(
    connector: string,
    extra: { rateLimit?: RateLimitOptions; circuitBreaker?: CircuitBreakerOptions },
  ): HttpClient {
    const created = createHttpClient({ connector, baseURL: api.url, timeoutMs: 2000, ...extra });
    clients.push(created);
    return created;
  }

  describe('rate limit shared through Redis', () => {
    it('when two processes share a budget of 5 per second, then 10 quick calls take at least a second', async () => {
      const connector = `crm.rl-${randomUUID()}`;
      const [a, b] = [
        client(connector, {
          rateLimit: { points: 5, durationSeconds: 1, redis: await processRedis(), keyPrefix, maxWaitMs: 3000 },
        }),
        client(connector, {
          rateLimit: { points: 5, durationSeconds: 1, redis: await processRedis(), keyPrefix, maxWaitMs: 3000 },
        }),
      ];
      const started = Date.now();
      const { ok } = await settle(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).get('/contacts')));
      const elapsed = Date.now() - started;
      expect(ok).to.equal(10);
      expect(elapsed).to.be.at.least(900);
      const inFirstWindow = api.received.filter((r) => r.at - started < 900).length;
      expect(inFirstWindow, 'no more than the budget within the first window').to.be.at.most(5);
    });

    it('when waiting would exceed maxWaitMs, then the excess fails with a retryable RATE_LIMITED and retryAfterMs, unsent', async () => {
      const connector = `crm.rl-${randomUUID()}`;
      const options = (redis: Redis): RateLimitOptions => ({
        points: 5,
        durationSeconds: 2,
        redis,
        keyPrefix,
        maxWaitMs: 0,
      });
      const [a, b] = [
        client(connector, { rateLimit: options(await processRedis()) }),
        client(connector, { rateLimit: options(await processRedis()) }),
      ];
      const { ok, failures } = await settle(
        Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).get('/contacts')),
      );
      expect(ok).to.equal(5);
      expect(api.hits).to.equal(5);
      expect(failures).to.have.length(5);
      for (const failure of failures) {
        expect(failure.code).to.equal('RATE_LIMITED');
        expect(failure.retryable).to.equal(true);
        expect(failure.retryAfterMs).to.be.within(1, 2000);
      }
    });

    it('when given a Redis URL, then the client opens its own connection and close() releases it', async () => {
      const connector = `crm.rl-${randomUUID()}`;
      const own = client(connector, {
        rateLimit: { points: 2, durationSeconds: 2, redis: REDIS_URL, keyPrefix, maxWaitMs: 0 },
      });
      await sleep(100); // connected before the first call, so Redis (not the per-process fallback) counts
      const { ok, failures } = await settle([own.get('/a'), own.get('/b'), own.get('/c')]);
      expect(ok).to.equal(2);
      expect(failures.map((f) => f.code)).to.deep.equal(['RATE_LIMITED']);
      const checker = await processRedis();
      expect(await checker.exists(`${keyPrefix}:${connector}`)).to.equal(1);
    });

    it('when Redis is unreachable, then calls are still limited, per process', async () => {
      const closed = await listen(() => undefined);
      const deadRedisUrl = closed.url.replace('http:', 'redis:');
      await closed.close();
      const limited = client(`crm.rl-${randomUUID()}`, {
        rateLimit: { points: 2, durationSeconds: 2, redis: deadRedisUrl, keyPrefix, maxWaitMs: 0 },
      });
      const { ok, failures } = await settle([limited.get('/a'), limited.get('/b'), limited.get('/c')]);
      expect(ok).to.equal(2);
      expect(failures.map((f) => f.code)).to.deep.equal(['RATE_LIMITED']);
    });
  });

  describe('circuit breaker', () => {
    const breaker: CircuitBreakerOptions = { volumeThreshold: 3, errorThresholdPercentage: 50, resetTimeoutMs: 500 };

    async function openCircuit(guarded: HttpClient): Promise<void> {
      api.always({ status: 503, body: { message: 'down' } });
      for (let i = 0; i < 3; i += 1) expect((await connectorFailureOf(guarded.get('/contacts'))).status).to.equal(503);
    }

    it('when the vendor fails with 503 three times, then the next call fails fast without reaching it', async () => {
      const guarded = client(`crm.cb-${randomUUID()}`, { circuitBreaker: breaker });
      await openCircuit(guarded);
      expect(api.hits).to.equal(3);
      const error = await connectorFailureOf(guarded.get('/contacts'));
      expect(error.code).to.equal('VENDOR_UNAVAILABLE');
      expect(error.retryable).to.equal(true);
      expect(error.status).to.equal(undefined);
      expect(error.retryAfterMs).to.be.within(1, 500);
      expect(api.hits, 'the vendor was not called').to.equal(3);
    });

    it('when the reset timeout has passed, then one probe goes through and its success closes the circuit', async () => {
      const guarded = client(`crm.cb-${randomUUID()}`, { circuitBreaker: breaker });
      await openCircuit(guarded);
      api.always({ status: 200, body: { ok: true }, delayMs: 100 });
      await sleep(550);
      const { ok, failures } = await settle([
        guarded.get('/contacts'),
        guarded.get('/contacts'),
        guarded.get('/contacts'),
      ]);
      expect(ok, 'the probe').to.equal(1);
      expect(failures.map((f) => f.code)).to.deep.equal(['VENDOR_UNAVAILABLE', 'VENDOR_UNAVAILABLE']);
      expect(api.hits).to.equal(4);
      // Closed with a clean slate: the failures that opened it do not re-open it on the next error.
      api.respondNext({ status: 503 });
      await connectorFailureOf(guarded.get('/contacts'));
      expect(await guarded.get('/contacts')).to.deep.equal({ ok: true });
      expect(api.hits).to.equal(6);
    });

    it('when the probe fails, then the circuit opens again for another reset timeout', async () => {
      const guarded = client(`crm.cb-${randomUUID()}`, { circuitBreaker: breaker });
      await openCircuit(guarded);
      await sleep(550);
      expect((await connectorFailureOf(guarded.get('/contacts'))).status, 'the probe reached the vendor').to.equal(503);
      const error = await connectorFailureOf(guarded.get('/contacts'));
      expect(error.code).to.equal('VENDOR_UNAVAILABLE');
      expect(error.retryAfterMs).to.be.within(400, 500);
      expect(api.hits).to.equal(4);
    });

    it('when the vendor answers 404 and 400, then the circuit stays closed', async () => {
      const guarded = client(`crm.cb-${randomUUID()}`, { circuitBreaker: breaker });
      api.always({ status: 404 });
      for (let i = 0; i < 6; i += 1)
        expect((await connectorFailureOf(guarded.get('/missing'))).code).to.equal('NOT_FOUND');
      api.always({ status: 400, body: { message: 'bad field' } });
      for (let i = 0; i < 6; i += 1)
        expect((await connectorFailureOf(guarded.post('/contacts', {}))).code).to.equal('INVALID_REQUEST');
      expect(api.hits).to.equal(12);
    });

    it('when the vendor answers 429 with Retry-After, then RATE_LIMITED keeps its retryAfterMs and the 429s count towards opening', async () => {
      const guarded = client(`crm.cb-${randomUUID()}`, { circuitBreaker: breaker });
      api.always({ status: 429, headers: { 'retry-after': '2' }, body: { message: 'slow down' } });
      for (let i = 0; i < 3; i += 1) {
        expect((await connectorFailureOf(guarded.get('/contacts'))).toDetails()).to.deep.equal({
          code: 'RATE_LIMITED',
          retryable: true,
          status: 429,
          vendorMessage: 'slow down',
          retryAfterMs: 2000,
        });
      }
      expect((await connectorFailureOf(guarded.get('/contacts'))).code).to.equal('VENDOR_UNAVAILABLE');
      expect(api.hits).to.equal(3);
    });

    it('when the circuit is open, then a rate-limited client fails fast without spending budget', async () => {
      const connector = `crm.cb-${randomUUID()}`;
      const guarded = client(connector, {
        circuitBreaker: breaker,
        rateLimit: { points: 10, durationSeconds: 5, redis: await processRedis(), keyPrefix, maxWaitMs: 0 },
      });
      await openCircuit(guarded);
      await connectorFailureOf(guarded.get('/contacts'));
      const checker = await processRedis();
      expect(Number(await checker.get(`${keyPrefix}:${connector}`))).to.equal(3);
    });
  });
});
