/**
 * Re-enqueues events that stayed pending too long: their job was lost (Redis flushed or failed
 * over, a crash between the inbox commit and the enqueue, a job BullMQ gave up on while the row
 * could not be written). Every intake process runs one; running several is harmless, because a
 * row's job id is fixed and adding a live job again does nothing.
 */
import { getLogger } from '../../logging/logger';
import type { InboxRepository } from './inbox-repository';
import type { IntakeProducer, LostJobState } from './intake-queue';

export interface InboxSweeperOptions {
  inbox: InboxRepository;
  producer: IntakeProducer;
  /** INTAKE_SWEEP_AFTER_SECONDS: how far past its due time a pending row must be to count as lost. */
  sweepAfterSeconds: number;
  /** Between sweeps; default a third of sweepAfterSeconds, from 1 s to 30 s. */
  intervalMs?: number;
  /** Rows looked at per sweep (default 500); a larger loss takes several sweeps. */
  batchSize?: number;
}

export interface InboxSweeper {
  /** One sweep: how many rows got a new job. */
  sweepOnce(): Promise<number>;
  /** Stops sweeping after the sweep in progress. Idempotent. */
  close(): Promise<void>;
}

export function startInboxSweeper(options: InboxSweeperOptions): InboxSweeper {
  const { inbox, producer } = options;
  const sweepAfterMs = options.sweepAfterSeconds * 1000;
  const intervalMs = options.intervalMs ?? Math.min(30_000, Math.max(1_000, Math.round(sweepAfterMs / 3)));
  const batchSize = options.batchSize ?? 500;
  const log = getLogger();

  async function sweepOnce(): Promise<number> {
    const now = new Date();
    const overdue = await inbox.overduePending(new Date(now.getTime() - sweepAfterMs), batchSize);
    const found: Partial<Record<LostJobState, number>> = {};
    let requeued = 0;
    for (const id of overdue) {
      const lost = await producer.ensureJob(id);
      if (lost === null) continue;
      found[lost] = (found[lost] ?? 0) + 1;
      requeued += 1;
    }
    // A row that has a live job (waiting behind a backlog) is looked at again only once overdue anew.
    await inbox.postpone(overdue, now);
    if (requeued > 0)
      log.warn('inbox sweeper re-enqueued events whose jobs were lost', { requeued, overdue: overdue.length, found });
    return requeued;
  }

  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = sweepOnce()
        .then(() => undefined)
        .catch((error: unknown) => {
          log.warn('inbox sweep failed; will try again', { error: (error as Error).message });
        })
        .finally(schedule);
    }, intervalMs);
    timer.unref();
  };
  schedule();

  return {
    sweepOnce,
    async close() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
