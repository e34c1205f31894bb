import { setTimeout as sleep } from 'node:timers/promises';
import { segment, type ApiClient, type ApiReply } from './api-client';
import type { RunView } from './api-types';
import { ApiError, CliError } from './cli-errors';
import { EXIT, type ExitCode } from './exit-codes';

/** Statuses of a run that is still going: a continue-as-new is followed to the next run by GET /v1/runs/:id. */
const OPEN_STATUSES = new Set(['RUNNING', 'CONTINUED_AS_NEW']);

export function isClosed(view: RunView): boolean {
  return !OPEN_STATUSES.has(view.status);
}

/** 0 for a run that completed, 1 for any other end (failed, cancelled, terminated, timed out). */
export function exitCodeOfRun(view: RunView): ExitCode {
  return view.status === 'COMPLETED' ? EXIT.OK : EXIT.NEGATIVE_OUTCOME;
}

export interface WatchOptions {
  intervalMs: number;
  /** Give up after this long; null waits for as long as the run takes. */
  timeoutMs: number | null;
  onView: (view: RunView) => void;
  /** Consecutive transient failures (unreachable, 5xx, 429) tolerated before giving up. */
  maxTransientFailures?: number;
}

/** The last answer of GET /v1/runs/:id (its text is what --json prints). */
export type WatchOutcome =
  { closed: true; last: ApiReply<RunView> } | { closed: false; last: ApiReply<RunView> | null };

function isTransient(error: unknown): boolean {
  return error instanceof CliError && (error.exitCode === EXIT.UNAVAILABLE || error.exitCode === EXIT.RATE_LIMITED);
}

/**
 * Polls GET /v1/runs/:id until the run closes or the timeout passes. A brief API outage or a
 * 429 does not end the watch (the run goes on regardless); the wait honours Retry-After.
 */
export async function watchRun(api: ApiClient, workflowId: string, options: WatchOptions): Promise<WatchOutcome> {
  const deadline = options.timeoutMs === null ? Infinity : Date.now() + options.timeoutMs;
  const maxTransient = options.maxTransientFailures ?? 5;
  let transientFailures = 0;
  let last: ApiReply<RunView> | null = null;
  for (;;) {
    let pause = options.intervalMs;
    try {
      last = await api.get<RunView>(`/v1/runs/${segment(workflowId)}`);
      transientFailures = 0;
      options.onView(last.body);
      if (isClosed(last.body)) return { closed: true, last };
    } catch (error) {
      if (!isTransient(error) || ++transientFailures > maxTransient) throw error;
      if (error instanceof ApiError && error.retryAfterSeconds !== null)
        pause = Math.max(pause, error.retryAfterSeconds * 1000);
    }
    const left = deadline - Date.now();
    if (left <= 0) return { closed: false, last };
    await sleep(Math.min(pause, left));
  }
}
