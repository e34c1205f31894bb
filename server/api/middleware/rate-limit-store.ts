import { Redis } from 'ioredis';
import { getLogger } from '../../../logging/logger';

/** Host and port only: a Redis URL may carry a password in its user info or query. */
function redisHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '[unparseable url]';
  }
}

/**
 * The Redis connection the API's rate limit counts in, shared by every replica. Its owner (the
 * API role) closes it after the server. Commands fail fast while Redis is down, and the limiter
 * falls back to a per-process budget until it is back; one warning per outage says so.
 */
export function openRateLimitRedis(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  let reported = false;
  redis.on('error', (error: Error & { code?: string }) => {
    if (reported) return;
    reported = true;
    getLogger().warn('API rate limit store unreachable; limiting per process until it is back', {
      redis: redisHost(url),
      code: error.code,
    });
  });
  redis.on('ready', () => {
    reported = false;
  });
  return redis;
}

/** quit() would queue behind a reconnect; a connection that is not ready is simply dropped. */
export async function closeRateLimitRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
  else redis.disconnect();
}
