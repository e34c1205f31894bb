import { z } from 'zod';
import type { CircuitBreakerOptions } from './circuit-breaker';
import type { RateLimitOptions } from './rate-limit';

/**
 * The part of a vendor instance's settings that configures the shared HTTP client's protection:
 * a rate limit shared by every process through Redis, and a circuit breaker. Vendors merge it into
 * their settings schema (`.extend(resilienceSettingsShape)`) and pass `resilienceOptions(settings)`
 * to createHttpClient. Both are off unless configured.
 */
export const resilienceSettingsShape = {
  rateLimit: z
    .object({
      /** Requests per window, summed over all processes (the vendor's published limit, with headroom). */
      points: z.number().int().positive(),
      durationSeconds: z.number().int().positive().max(86_400),
      /** How long a call may wait for budget before failing RATE_LIMITED (default 5000). */
      maxWaitMs: z.number().int().min(0).max(60_000).optional(),
      /** Filled in by the registry from REDIS_URL. */
      redisUrl: z
        .string()
        .regex(/^rediss?:\/\//)
        .optional(),
    })
    .strict()
    .optional(),
  circuitBreaker: z
    .object({
      errorThresholdPercentage: z.number().min(1).max(100).optional(),
      volumeThreshold: z.number().int().min(1).optional(),
      resetTimeoutMs: z.number().int().min(100).max(3_600_000).optional(),
      rollingWindowMs: z.number().int().min(100).max(3_600_000).optional(),
    })
    .strict()
    .optional(),
};

export type ResilienceSettings = z.infer<z.ZodObject<typeof resilienceSettingsShape>>;

export function resilienceOptions(settings: ResilienceSettings): {
  rateLimit?: RateLimitOptions;
  circuitBreaker?: CircuitBreakerOptions;
} {
  const options: { rateLimit?: RateLimitOptions; circuitBreaker?: CircuitBreakerOptions } = {};
  const { rateLimit, circuitBreaker } = settings;
  if (rateLimit) {
    if (!rateLimit.redisUrl) throw new Error('rateLimit needs a Redis URL (the registry fills in REDIS_URL)');
    options.rateLimit = {
      points: rateLimit.points,
      durationSeconds: rateLimit.durationSeconds,
      redis: rateLimit.redisUrl,
      ...(rateLimit.maxWaitMs !== undefined ? { maxWaitMs: rateLimit.maxWaitMs } : {}),
    };
  }
  if (circuitBreaker) {
    options.circuitBreaker = Object.fromEntries(
      Object.entries(circuitBreaker).filter(([, value]) => value !== undefined),
    ) as CircuitBreakerOptions;
  }
  return options;
}

/** Settings with the process's Redis URL filled into a configured rate limit that names none. */
export function withRedisUrl(settings: Record<string, unknown>, redisUrl: string): Record<string, unknown> {
  const rateLimit = settings.rateLimit;
  if (rateLimit === null || typeof rateLimit !== 'object' || 'redisUrl' in rateLimit) return settings;
  return { ...settings, rateLimit: { ...rateLimit, redisUrl } };
}
