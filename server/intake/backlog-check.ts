/**
 * Whether the intake is past its backlog (INTAKE_BACKLOG_LIMIT pending events), so the endpoint
 * answers 429 instead of growing the inbox without bound while consumers cannot keep up or
 * Temporal is down. The inbox is asked at most once per `cacheMs` per process: a burst of webhooks
 * costs one bounded index read per second, not one per request.
 */
import type { InboxRepository } from './inbox-repository';

export interface BacklogCheck {
  readonly limit: number;
  isFull(): Promise<boolean>;
}

export function createBacklogCheck(inbox: InboxRepository, limit: number, cacheMs = 1_000): BacklogCheck {
  let known: { full: boolean; at: number } | null = null;
  let reading: Promise<boolean> | null = null;
  return {
    limit,
    async isFull() {
      if (known && Date.now() - known.at < cacheMs) return known.full;
      reading ??= inbox
        .pendingAtLeast(limit)
        .then((full) => {
          known = { full, at: Date.now() };
          return full;
        })
        .finally(() => {
          reading = null;
        });
      return reading;
    },
  };
}
