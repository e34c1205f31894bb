/**
 * The intake consumer: a BullMQ worker that delivers inbox rows to Temporal. Per job it reads the
 * row (the truth; the job only names it), makes the Temporal call, and records the outcome:
 * - accepted by Temporal → the row is done (marked only after Temporal accepted);
 * - failed and attempts left → the row records the error and when it is due; the job is retried
 *   by BullMQ after that delay (a custom backoff that reads it), or by the sweeper if Redis lost it;
 * - failed for good (attempts used up, or a refusal no retry cures) → the row is a dead letter.
 * Attempts are counted in the row, not in BullMQ, so a Redis flush does not grant new ones.
 */
import type { Client } from '@temporalio/client';
import { Worker, type Job } from 'bullmq';
import { getLogger } from '../../logging/logger';
import { deliverCommand, PermanentDeliveryError } from './temporal-delivery';
import { parseDeliveryCommand } from './delivery-command';
import type { InboxRecord, InboxRepository } from './inbox-repository';
import { intakeConsumerMetrics } from './intake-metrics';
import {
  closeRedis,
  DELIVERY_BACKOFF_TYPE,
  INTAKE_QUEUE_NAME,
  openIntakeRedis,
  type DeliveryJobData,
} from './intake-queue';
import { retryDelayMs, type RetryBackoff } from './retry-backoff';

export interface IntakeConsumerOptions {
  redisUrl: string;
  client: Client;
  taskQueue: string;
  inbox: InboxRepository;
  maxAttempts: number;
  backoff: RetryBackoff;
  concurrency: number;
  /** Bound on each Temporal call (default 10 s). */
  rpcMs?: number;
  /** How long a job stays locked to this consumer without renewal; a killed consumer's jobs return after it (default 30 s). */
  lockDurationMs?: number;
  queueName?: string;
}

export interface IntakeConsumer {
  /** Finishes the jobs in progress, then closes the worker and its Redis connection. Idempotent. */
  close(): Promise<void>;
}

/** Thrown for BullMQ to retry the job after `delayMs`, the delay the row already records. */
class DeliveryRetry extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
    this.name = 'DeliveryRetry';
  }
}

type JobResult = 'skipped' | 'done' | 'dead';

export function startIntakeConsumer(options: IntakeConsumerOptions): IntakeConsumer {
  const { inbox } = options;
  const metrics = intakeConsumerMetrics();
  const log = getLogger();
  const rpcMs = options.rpcMs ?? 10_000;

  async function deadLetter(row: InboxRecord, attempt: number, reason: string, message: string): Promise<JobResult> {
    // Settled meanwhile (a replay, or a second job for the row after a lost lock): not this job's to record.
    if (!(await inbox.markDead(row.id, { attempts: attempt, reason, error: message }))) return 'skipped';
    metrics.deliveries.inc({ source: row.source, outcome: 'dead' });
    log.warn('event dead-lettered', {
      inboxId: row.id,
      source: row.source,
      eventId: row.eventId,
      workflowId: row.workflowId,
      attempt,
      reason,
      error: message,
    });
    return 'dead';
  }

  /** A failed Temporal call: a dead letter when no retry can help or none is left, else a retry after the recorded delay. */
  async function settleFailure(row: InboxRecord, attempt: number, error: unknown): Promise<JobResult> {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof PermanentDeliveryError) return deadLetter(row, attempt, error.reason, message);
    if (attempt >= options.maxAttempts) return deadLetter(row, attempt, 'max-attempts', message);
    const delayMs = retryDelayMs(attempt, options.backoff);
    if (
      !(await inbox.scheduleRetry(row.id, {
        attempts: attempt,
        error: message,
        nextAttemptAt: new Date(Date.now() + delayMs),
      }))
    )
      return 'skipped';
    metrics.deliveries.inc({ source: row.source, outcome: 'retry' });
    log.info('event delivery failed; will retry', {
      inboxId: row.id,
      source: row.source,
      workflowId: row.workflowId,
      attempt,
      delayMs,
      error: message,
    });
    throw new DeliveryRetry(message, delayMs);
  }

  async function deliver(job: Job<DeliveryJobData>): Promise<JobResult> {
    const row = await inbox.get(job.data.inboxId);
    // Done, dead, or gone: an earlier job, a racing consumer or an operator settled it.
    if (!row || row.status !== 'pending') return 'skipped';
    const attempt = row.attempts + 1;
    let command;
    try {
      command = parseDeliveryCommand(row.command);
    } catch (error) {
      return deadLetter(
        row,
        attempt,
        'invalid-command',
        `The stored delivery command is invalid: ${(error as Error).message}`,
      );
    }
    let outcome;
    try {
      outcome = await deliverCommand({ client: options.client, taskQueue: options.taskQueue, rpcMs }, command, {
        source: row.source,
        eventId: row.eventId,
        inboxId: row.id,
      });
    } catch (error) {
      return settleFailure(row, attempt, error);
    }
    // A database failure here fails the job for BullMQ to retry; the repeated call is deduplicated as described above.
    if (!(await inbox.markDone(row.id, { attempts: attempt, runId: outcome.runId, outcome: outcome.outcome })))
      return 'skipped';
    metrics.deliveries.inc({ source: row.source, outcome: outcome.outcome });
    metrics.latency.observe({ source: row.source }, Math.max(0, (Date.now() - row.createdAt.getTime()) / 1000));
    log.debug('event delivered', {
      inboxId: row.id,
      source: row.source,
      workflowId: row.workflowId,
      outcome: outcome.outcome,
      runId: outcome.runId,
    });
    return 'done';
  }

  const redis = openIntakeRedis(options.redisUrl, 'worker');
  const worker = new Worker<DeliveryJobData, JobResult>(options.queueName ?? INTAKE_QUEUE_NAME, deliver, {
    connection: redis,
    concurrency: options.concurrency,
    lockDuration: options.lockDurationMs ?? 30_000,
    settings: {
      backoffStrategy: (attemptsMade: number, type?: string, error?: Error) => {
        if (type === DELIVERY_BACKOFF_TYPE && error instanceof DeliveryRetry) return error.delayMs;
        // The row could not be read or written (the database failed): back off on BullMQ's count.
        return retryDelayMs(attemptsMade, options.backoff);
      },
    },
  });
  // BullMQ reports connection trouble here; without a listener an 'error' event would end the process.
  worker.on('error', (error) => log.debug('intake worker error', { error: error.message }));
  worker.on('failed', (job, error) => {
    if (!(error instanceof DeliveryRetry)) log.warn('intake job failed', { jobId: job?.id, error: error.message });
  });

  let closing: Promise<void> | null = null;
  return {
    close() {
      closing ??= worker.close().finally(() => closeRedis(redis));
      return closing;
    },
  };
}
