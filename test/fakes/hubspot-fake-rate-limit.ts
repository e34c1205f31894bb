/**
 * The HubSpot fake's rate limits, as HubSpot's API usage guidelines describe them: a burst limit
 * over a rolling interval (X-HubSpot-RateLimit-Max / -Remaining / -Interval-Milliseconds on every
 * response; 429 policy TEN_SECONDLY_ROLLING), a daily limit (-Daily / -Daily-Remaining; policy
 * DAILY) and the search API's own per-second limit (policy SECONDLY, a 429 without rate-limit
 * headers). Real time, not the fake's record clock: setClock must not refill a budget.
 */
export type HubSpotPolicy = 'TEN_SECONDLY_ROLLING' | 'SECONDLY' | 'DAILY';

export interface HubSpotFakeRateLimitOptions {
  /** Requests per rolling interval (default 190: a private app on a Professional portal). */
  max?: number;
  /** The rolling interval (default 10 000 ms). */
  intervalMs?: number;
  /** Requests per day (default 1 000 000); the fake's day never ends. */
  daily?: number;
  /** Search requests per second (default: unlimited, so paging tests run at full speed; HubSpot allows 5). */
  searchPerSecond?: number;
}

export interface RateLimitVerdict {
  /** The limit the request hit; undefined when it was admitted (and counted). */
  policy?: HubSpotPolicy;
  /** The X-HubSpot-RateLimit-* headers of the answer. */
  headers: Record<string, string>;
}

const SECOND_MS = 1_000;

export class HubSpotFakeRateLimit {
  readonly max: number;
  readonly intervalMs: number;
  readonly daily: number;
  /** 429s the fake answered, by the limit they named. */
  readonly rejected: Record<HubSpotPolicy, number> = { TEN_SECONDLY_ROLLING: 0, SECONDLY: 0, DAILY: 0 };
  private readonly admitted: number[] = [];
  private readonly searches: number[] = [];
  private usedToday = 0;

  constructor(private readonly options: HubSpotFakeRateLimitOptions = {}) {
    this.max = options.max ?? 190;
    this.intervalMs = options.intervalMs ?? 10_000;
    this.daily = options.daily ?? 1_000_000;
  }

  get totalRejected(): number {
    return this.rejected.TEN_SECONDLY_ROLLING + this.rejected.SECONDLY + this.rejected.DAILY;
  }

  /** Another app of the same portal spends `count` requests now: HubSpot's limits are per portal. */
  spend(count: number, now = Date.now()): void {
    for (let i = 0; i < count; i++) this.admitted.push(now);
    this.usedToday += count;
  }

  /** Counts one request against every limit that applies, or names the limit it hit. */
  admit(isSearch: boolean, now = Date.now()): RateLimitVerdict {
    this.slide(now);
    const policy =
      this.usedToday >= this.daily
        ? 'DAILY'
        : this.admitted.length >= this.max
          ? 'TEN_SECONDLY_ROLLING'
          : isSearch &&
              this.options.searchPerSecond !== undefined &&
              this.searches.length >= this.options.searchPerSecond
            ? 'SECONDLY'
            : undefined;
    if (policy !== undefined) return this.reject(policy);
    this.spend(1, now);
    if (isSearch) this.searches.push(now);
    return { headers: this.headers() };
  }

  /** A 429 the test scripted (throttleNext): the headers say what that limit's exhaustion says. */
  reject(policy: HubSpotPolicy): RateLimitVerdict {
    this.rejected[policy]++;
    // The search API's per-second 429s come without rate-limit headers.
    if (policy === 'SECONDLY') return { policy, headers: {} };
    const headers = this.headers();
    if (policy === 'DAILY') headers['X-HubSpot-RateLimit-Daily-Remaining'] = '0';
    else headers['X-HubSpot-RateLimit-Remaining'] = '0';
    return { policy, headers };
  }

  /** The headers as they stand, without counting a request (answers to unauthenticated calls). */
  headers(now = Date.now()): Record<string, string> {
    this.slide(now);
    return {
      'X-HubSpot-RateLimit-Max': String(this.max),
      'X-HubSpot-RateLimit-Remaining': String(Math.max(0, this.max - this.admitted.length)),
      'X-HubSpot-RateLimit-Interval-Milliseconds': String(this.intervalMs),
      'X-HubSpot-RateLimit-Daily': String(this.daily),
      'X-HubSpot-RateLimit-Daily-Remaining': String(Math.max(0, this.daily - this.usedToday)),
    };
  }

  /** Drops what has rolled out of the windows. */
  private slide(now: number): void {
    while (this.admitted.length > 0 && now - (this.admitted[0] ?? now) >= this.intervalMs) this.admitted.shift();
    while (this.searches.length > 0 && now - (this.searches[0] ?? now) >= SECOND_MS) this.searches.shift();
  }
}

/** HubSpot's 429 body for each limit. */
export function rateLimitBody(policy: HubSpotPolicy, correlationId: string): Record<string, string> {
  const limit = { TEN_SECONDLY_ROLLING: 'ten_secondly_rolling', SECONDLY: 'secondly', DAILY: 'daily' }[policy];
  return {
    status: 'error',
    message: `You have reached your ${limit} limit.`,
    errorType: 'RATE_LIMIT',
    category: 'RATE_LIMITS',
    correlationId,
    policyName: policy,
  };
}
