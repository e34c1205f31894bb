/**
 * Pacing by the vendor's own word: when a response's rate-limit headers say the budget is spent
 * (HubSpot's `X-HubSpot-RateLimit-Remaining: 0`), or a 429 said how long to wait, the client's
 * next calls hold off until then instead of provoking (another) 429. A vendor that counts errors
 * against its integrations (HubSpot certifies apps under 5 % failed calls) is spared the retries.
 *
 * Per client, hence per process: calls already in flight are not stopped, and other processes
 * learn only from their own responses. The Redis-shared `rateLimit` is what holds across processes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectorError } from '../connector-error';
import { ConnectorErrorCode } from '../connector-error-codes';

export interface PaceDecision {
  /** How long the client's next calls hold off, from now. */
  waitMs: number;
  /** Why, for the RATE_LIMITED a call gets when it cannot wait that long (vendorMessage). */
  reason: string;
}

export interface PacingOptions {
  /** Reads a response's headers (an error answer's too): a decision to hold off, or undefined to go on. */
  afterResponse: (response: {
    status: number;
    headers: Record<string, string | undefined>;
  }) => PaceDecision | undefined;
  /**
   * Longest a call waits out a hold-off before it fails with a retryable RATE_LIMITED whose
   * retryAfterMs is the rest of it (default DEFAULT_PACE_MAX_WAIT_MS): a worker slot should not
   * sleep for minutes when the activity's retry policy can wait instead.
   */
  maxWaitMs?: number;
}

export interface Pacer {
  /** Resolves once no hold-off is in force; throws RATE_LIMITED (retryable) past maxWaitMs. */
  wait(signal?: AbortSignal): Promise<void>;
  /** A response, successful or not: the vendor's headers may start a hold-off. */
  observe(response: { status: number; headers: Record<string, string | undefined> }): void;
  /** A failed call: a RATE_LIMITED with retryAfterMs holds off every later call for as long. */
  observeFailure(error: ConnectorError): void;
}

export const DEFAULT_PACE_MAX_WAIT_MS = 5_000;

export function createPacer(connector: string, options: PacingOptions): Pacer {
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_PACE_MAX_WAIT_MS;
  let until = 0;
  let reason = '';

  /** Hold-offs only ever extend: a shorter one must not cut a longer one short. */
  function holdOff(decision: PaceDecision): void {
    const end = Date.now() + Math.max(0, decision.waitMs);
    if (end <= until) return;
    until = end;
    reason = decision.reason;
  }

  async function wait(signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + maxWaitMs;
    // A loop: the hold-off may be extended while we sleep, and timers may fire a millisecond early.
    for (let now = Date.now(); now < until; now = Date.now()) {
      if (until > deadline) {
        throw new ConnectorError(`${connector}: holding off calls for ${until - now} ms on the vendor's rate limit`, {
          code: ConnectorErrorCode.RateLimited,
          retryable: true,
          retryAfterMs: until - now,
          vendorMessage: reason,
        });
      }
      try {
        await sleep(until - now, undefined, signal ? { signal } : {});
      } catch {
        throw new ConnectorError(`${connector}: request was cancelled while holding off on the rate limit`, {
          code: ConnectorErrorCode.Network,
          retryable: true,
        });
      }
    }
  }

  return {
    wait,
    observe: (response) => {
      const decision = options.afterResponse(response);
      if (decision !== undefined) holdOff(decision);
    },
    observeFailure: (error) => {
      if (error.code !== ConnectorErrorCode.RateLimited || error.retryAfterMs === undefined) return;
      holdOff({ waitMs: error.retryAfterMs, reason: error.vendorMessage ?? `${connector} answered 429` });
    },
  };
}
