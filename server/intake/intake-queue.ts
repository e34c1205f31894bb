/**
 * The BullMQ queue between the inbox and the consumers. A job only names an inbox row; the job id
 * is derived from the row id, so enqueuing a row twice (the endpoint, then the sweeper) makes one
 * job while the first is still waiting, delayed or running. Finished jobs are removed at once:
 * the inbox row, not Redis, remembers what happened.
 */
import { Queue, type JobsOptions } from 'bullmq';
import IORedis, { type RedisOptions } from 'ioredis';
import { getLogger } from '../../logging/logger';

export const INTAKE_QUEUE_NAME = 'junction-intake';
/** The custom backoff the consumer registers (settings.backoffStrategy); its delay comes from the inbox row's attempt count. */
export const DELIVERY_BACKOFF_TYPE = 'inbox-retry';
const JOB_NAME = 'deliver';

export interface DeliveryJobData {
  inboxId: string;
}

/** BullMQ refuses all-digit custom ids (they could clash with its own); the prefix also says what the job is. */
export function jobIdOf(inboxId: string): string {
  return `inbox-${inboxId}`;
}

/**
 * A connection of our own for each BullMQ object, closed by whoever opened it. Workers block on
 * Redis and must never give up a command (maxRetriesPerRequest: null); producers fail a command
 * after ioredis's retries, so a request is not held by a Redis outage.
 */
export function openIntakeRedis(url: string, use: 'worker' | 'producer'): IORedis {
  const options: RedisOptions = use === 'worker' ? { maxRetriesPerRequest: null } : { maxRetriesPerRequest: 3 };
  const redis = new IORedis(url, { ...options, connectionName: `junction-intake-${use}`, lazyConnect: false });
  let failing = false;
  // One line per outage, not one per reconnect attempt.
  redis.on('error', (error: Error) => {
    if (!failing) getLogger().warn('intake redis unavailable', { use, error: error.message });
    failing = true;
  });
  redis.on('ready', () => {
    if (failing) getLogger().info('intake redis available again', { use });
    failing = false;
  });
  return redis;
}

export async function closeRedis(redis: IORedis): Promise<void> {
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}

export interface IntakeQueueOptions {
  redisUrl: string;
  /** BullMQ attempts per job; the inbox's own count decides dead letters first (INTAKE_MAX_ATTEMPTS). */
  maxAttempts: number;
  queueName?: string;
}

/** What the sweeper found instead of a live job. */
export type LostJobState = 'unknown' | 'completed' | 'failed';

export interface IntakeProducer {
  readonly queue: Queue<DeliveryJobData>;
  /** Adds the row's job unless it has one; throws when Redis cannot be reached. */
  enqueue(inboxId: string): Promise<void>;
  /** enqueue() for many rows in one Redis round trip (an import's batch). */
  enqueueMany(inboxIds: readonly string[]): Promise<void>;
  /**
   * Makes sure the row has a live job (waiting, delayed or active). When it has none, adds one and
   * answers the state it found instead: `unknown` (lost: Redis flushed, or never enqueued),
   * `completed` or `failed` (finished in BullMQ while the row is still pending). null: it had one.
   */
  ensureJob(inboxId: string): Promise<LostJobState | null>;
  close(): Promise<void>;
}

export function createIntakeProducer(options: IntakeQueueOptions): IntakeProducer {
  const redis = openIntakeRedis(options.redisUrl, 'producer');
  const queue = new Queue<DeliveryJobData>(options.queueName ?? INTAKE_QUEUE_NAME, { connection: redis });
  queue.on('error', (error) => getLogger().debug('intake queue error', { error: error.message }));
  const jobOptions = (inboxId: string): JobsOptions => ({
    jobId: jobIdOf(inboxId),
    attempts: options.maxAttempts,
    backoff: { type: DELIVERY_BACKOFF_TYPE },
    removeOnComplete: true,
    removeOnFail: true,
  });
  const add = async (inboxId: string) => {
    await queue.add(JOB_NAME, { inboxId }, jobOptions(inboxId));
  };
  return {
    queue,
    enqueue: add,
    async enqueueMany(inboxIds) {
      await queue.addBulk(
        inboxIds.map((inboxId) => ({ name: JOB_NAME, data: { inboxId }, opts: jobOptions(inboxId) })),
      );
    },
    async ensureJob(inboxId) {
      const jobId = jobIdOf(inboxId);
      const state = await queue.getJobState(jobId);
      if (state !== 'unknown' && state !== 'completed' && state !== 'failed') return null;
      // Also clears what a job can leave behind outside every list (its hash), which would make
      // BullMQ take the add for a duplicate and add nothing.
      await queue.remove(jobId);
      await add(inboxId);
      return state;
    },
    async close() {
      await queue.close();
      await closeRedis(redis);
    },
  };
}
