/**
 * How long a failed delivery waits before its next attempt: exponential (base · 2^(attempt-1),
 * capped) with "equal jitter" — half the step fixed, half random — so that the events which
 * failed together while Temporal was down do not all come back in the same instant, and none
 * comes back at once.
 */
export interface RetryBackoff {
  /** INTAKE_RETRY_BASE_MS: the first step. */
  baseMs: number;
  /** INTAKE_RETRY_MAX_MS: no step is longer. */
  maxMs: number;
}

/** The delay after failed attempt number `attempt` (1 for the first); `random` in [0, 1). */
export function retryDelayMs(attempt: number, backoff: RetryBackoff, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 40);
  const step = Math.min(backoff.maxMs, backoff.baseMs * 2 ** exponent);
  return Math.round(step / 2 + random() * (step / 2));
}
