/**
 * A request budget per connector instance that holds across worker processes: the counter lives
 * in Redis (rate-limiter-flexible, fixed window). Over budget, a call waits for the next window
 * up to `maxWaitMs`, then fails with a retryable RATE_LIMITED carrying retryAfterMs, so the
 * activity's retry policy takes over instead of a worker slot sleeping indefinitely.
 */
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { getLogger } from '../../logging/logger';
import { ConnectorError } from '../connector-error';
import { ConnectorErrorCode } from '../connector-error-codes';

export interface RateLimitOptions {
  /** Requests allowed per window, summed over every process sharing the Redis key. */
  points: number;
  /** Window length in seconds. */
  durationSeconds: number;
  /**
   * A connected ioredis client (shared; its owner closes it) or a `redis://` URL, for which the
   * HTTP client opens its own connection and closes it in `close()`.
   */
  redis: Redis | string;
  /** Prefix of the Redis key; the key is `<keyPrefix>:<connector>`. Default 'junction:rate-limit'. */
  keyPrefix?: string;
  /** Longest a call waits for budget before RATE_LIMITED; default 5 000 ms; 0 never waits. */
  maxWaitMs?: number;
}

export interface RequestRateLimiter {
  /** Resolves when the call may go out; throws RATE_LIMITED (retryable) past maxWaitMs. */
  acquire(signal?: AbortSignal): Promise<void>;
  /** Closes the Redis connection when this limiter opened it. */
  close(): Promise<void>;
}

export const DEFAULT_RATE_LIMIT_KEY_PREFIX = 'junction:rate-limit';
export const DEFAULT_RATE_LIMIT_MAX_WAIT_MS = 5_000;
/** Spreads the waiters of one window over a few milliseconds instead of waking them at once. */
const MAX_JITTER_MS = 25;

function cancelled(connector: string): ConnectorError {
  return new ConnectorError(`${connector}: request was cancelled while waiting for the rate limit`, {
    code: ConnectorErrorCode.Network,
    retryable: true,
  });
}

function pause(ms: number, signal: AbortSignal | undefined, connector: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled(connector));
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelled(connector));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Host and port only: a Redis URL may carry a password in its user info or query. */
const REDIS_READY_WAIT_MS = 1_000;

function waitUntilReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    timer.unref();
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function redisHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '[unparseable url]';
  }
}

function openRedis(url: string, connector: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  let reported = false;
  // One line per outage, not one per reconnect attempt.
  redis.on('error', (error: Error & { code?: string }) => {
    if (reported) return;
    reported = true;
    getLogger().warn('rate limit store unreachable; limiting per process until it is back', {
      connector,
      redis: redisHost(url),
      code: error.code,
    });
  });
  redis.on('ready', () => {
    reported = false;
  });
  return redis;
}

export function createRateLimiter(connector: string, options: RateLimitOptions): RequestRateLimiter {
  if (!(Number.isInteger(options.points) && options.points > 0) || !(options.durationSeconds > 0)) {
    throw new ConnectorError(`${connector}: rateLimit needs points and durationSeconds above zero`, {
      code: ConnectorErrorCode.Misconfigured,
      retryable: false,
    });
  }
  const ownsRedis = typeof options.redis === 'string';
  const redis = typeof options.redis === 'string' ? openRedis(options.redis, connector) : options.redis;
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_RATE_LIMIT_MAX_WAIT_MS;
  const limiter = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: options.keyPrefix ?? DEFAULT_RATE_LIMIT_KEY_PREFIX,
    points: options.points,
    duration: options.durationSeconds,
    // Never let a vendor call queue behind a Redis reconnect: fall back to this process' own
    // budget (the whole budget, as the number of live processes is unknown) until Redis is back.
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory({ points: options.points, duration: options.durationSeconds }),
  });

  // A connection we open ourselves is not ready for the first calls; they would be counted by the
  // per-process fallback and then again from zero in Redis. Wait for it briefly once instead.
  const connected = ownsRedis ? waitUntilReady(redis, REDIS_READY_WAIT_MS) : Promise.resolve();

  async function acquire(signal?: AbortSignal): Promise<void> {
    await connected;
    const deadline = Date.now() + maxWaitMs;
    for (;;) {
      if (signal?.aborted) throw cancelled(connector);
      try {
        await limiter.consume(connector);
        return;
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        const waitMs = Math.max(1, rejection.msBeforeNext);
        if (Date.now() + waitMs > deadline) {
          throw new ConnectorError(
            `${connector}: over its budget of ${options.points} requests per ${options.durationSeconds} s`,
            {
              code: ConnectorErrorCode.RateLimited,
              retryable: true,
              retryAfterMs: waitMs,
            },
          );
        }
        await pause(waitMs + Math.floor(Math.random() * MAX_JITTER_MS), signal, connector);
      }
    }
  }

  return {
    acquire,
    close: async () => {
      if (!ownsRedis || redis.status === 'end') return;
      // quit() would queue behind a reconnect; a connection that is not ready is simply dropped.
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    },
  };
}
