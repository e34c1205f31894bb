import type { Request, RequestHandler, Response } from 'express';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../../errors/app-error';
import type { Principal } from '../../auth/scopes';

/** Where the counters live, shared by every replica of one deployment. */
export interface RateLimitStore {
  redis: Redis;
  /** Prefix of the Redis keys (default `junction:api-rate`). */
  keyPrefix?: string;
}

export interface ApiRateLimitOptions {
  /** Requests per minute per principal (API key or token subject), across replicas. */
  rateLimitPerMinute: number;
  /** Requests per minute per client address for calls without a valid credential. */
  anonymousRateLimitPerMinute: number;
  /** Without a store each process counts alone: fine for tests and one process, not for replicas. */
  store?: RateLimitStore | undefined;
}

export const DEFAULT_API_RATE_LIMIT_KEY_PREFIX = 'junction:api-rate';

export interface AddressRateLimitOptions {
  /** Requests per minute per client address, whoever the caller is. */
  addressRateLimitPerMinute: number;
  store?: RateLimitStore | undefined;
}
const WINDOW_SECONDS = 60;

function limiterFor(points: number, redis: Redis | undefined, keyPrefix: string): RateLimiterAbstract {
  const memory = new RateLimiterMemory({ points, duration: WINDOW_SECONDS, keyPrefix });
  if (!redis) return memory;
  return new RateLimiterRedis({
    storeClient: redis,
    keyPrefix,
    points,
    duration: WINDOW_SECONDS,
    // A request never waits on a Redis reconnect: each process keeps the whole budget itself
    // (the number of live replicas is unknown) until Redis answers again.
    rejectIfRedisNotReady: true,
    insuranceLimiter: memory,
  });
}

function principalKey(principal: Principal): string {
  return principal.kind === 'oidc' ? `oidc:${principal.issuer}:${principal.subject}` : `key:${principal.keyId}`;
}

function setBudgetHeaders(res: Response, limit: number, state: RateLimiterRes): void {
  res.setHeader('RateLimit-Limit', String(limit));
  res.setHeader('RateLimit-Remaining', String(Math.max(0, state.remainingPoints)));
  res.setHeader('RateLimit-Reset', String(Math.ceil(state.msBeforeNext / 1000)));
}

/**
 * A fixed one-minute budget per principal, counted in Redis so it holds across API replicas;
 * requests without a valid credential count against their client address instead (they can
 * only end in 401, and this bounds key guessing). Runs after identifyCaller. Over budget:
 * 429 problem+json with Retry-After. Every answer carries RateLimit-Limit/-Remaining/-Reset.
 */
export function rateLimit(options: ApiRateLimitOptions): RequestHandler {
  const prefix = options.store?.keyPrefix ?? DEFAULT_API_RATE_LIMIT_KEY_PREFIX;
  const redis = options.store?.redis;
  const perPrincipal = limiterFor(options.rateLimitPerMinute, redis, `${prefix}:principal`);
  const anonymous = limiterFor(options.anonymousRateLimitPerMinute, redis, `${prefix}:anonymous`);

  return async (req: Request, res: Response, next) => {
    const principal = res.locals.principal;
    const [limiter, limit, key] = principal
      ? [perPrincipal, options.rateLimitPerMinute, principalKey(principal)]
      : [anonymous, options.anonymousRateLimitPerMinute, `ip:${req.ip ?? 'unknown'}`];
    let state: RateLimiterRes;
    try {
      state = await limiter.consume(key);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      setBudgetHeaders(res, limit, rejection);
      const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new AppError({
        code: 'rate-limited',
        status: 429,
        title: 'Too Many Requests',
        detail: principal
          ? `This caller exceeded its budget of ${limit} requests per minute; retry after ${retryAfterSeconds} s.`
          : `Too many requests without a valid credential from this address (budget ${limit} per minute); retry after ${retryAfterSeconds} s.`,
        headers: { 'Retry-After': String(retryAfterSeconds) },
      });
    }
    setBudgetHeaders(res, limit, state);
    next();
  };
}

/**
 * A per-address budget that runs before identifyCaller, so a flood of made-up credentials costs
 * one counter increment each instead of a key lookup in the database. Generous (every caller
 * behind one NAT or proxy shares it); the per-principal budget after it is the real limit.
 * Over budget: 429 with Retry-After, before any credential is read.
 */
export function addressRateLimit(options: AddressRateLimitOptions): RequestHandler {
  const prefix = options.store?.keyPrefix ?? DEFAULT_API_RATE_LIMIT_KEY_PREFIX;
  const limiter = limiterFor(options.addressRateLimitPerMinute, options.store?.redis, `${prefix}:address`);
  return async (req: Request, res: Response, next) => {
    try {
      await limiter.consume(`ip:${req.ip ?? 'unknown'}`);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new AppError({
        code: 'rate-limited',
        status: 429,
        title: 'Too Many Requests',
        detail: `Too many requests from this address (budget ${options.addressRateLimitPerMinute} per minute); retry after ${retryAfterSeconds} s.`,
        headers: { 'Retry-After': String(retryAfterSeconds) },
      });
    }
    next();
  };
}
