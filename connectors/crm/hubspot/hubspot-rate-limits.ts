/**
 * HubSpot's rate limits in the shared HTTP client's terms: the `describeError` hook reads which
 * limit a 429 hit (its `policyName`) into the wait, and the `pace` hook reads the
 * X-HubSpot-RateLimit-* headers of any response into a hold-off before the next call.
 *
 * Limits (developers.hubspot.com, API usage guidelines): a burst limit per rolling interval
 * (Max / Remaining / Interval-Milliseconds headers; 429 policy TEN_SECONDLY_ROLLING), a daily
 * limit for private apps (Daily / Daily-Remaining; policy DAILY; resets at midnight in the
 * portal's time zone) and per-second limits such as the search API's (Secondly headers where
 * sent; policy SECONDLY; its 429s may come without any rate-limit header).
 */
import { ConnectorError } from '../../connector-error';
import { ConnectorErrorCode } from '../../connector-error-codes';
import type { PaceDecision, PacingOptions, VendorErrorResponse } from '../../http';
import { hubspotManifest } from './hubspot.manifest';
import { hubspotErrorBody } from './hubspot.schemas';

const limits = hubspotManifest.rateLimit;
const DAILY_EXHAUSTED = "HubSpot's daily API limit is exhausted; it resets at midnight in the portal's time zone";

type Headers = Record<string, string | undefined>;

/** A header as a non-negative integer, or undefined when absent or unreadable. */
function count(headers: Headers, name: string): number | undefined {
  const value = headers[name]?.trim();
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

/** The rolling window the burst limit is counted over; a zero or missing value means the default. */
function intervalMs(headers: Headers): number {
  const value = count(headers, limits.headers.intervalMs);
  return value !== undefined && value > 0 ? value : limits.defaultIntervalMs;
}

/** The wait a 429 without Retry-After asks for, by the limit it names. */
function waitForPolicy(policy: string | undefined, headers: Headers): number {
  switch (policy) {
    case limits.policies.burst:
      return intervalMs(headers);
    case limits.policies.secondly:
      return limits.secondlyWindowMs;
    case limits.policies.daily:
      return limits.dailyRetryAfterMs;
    default:
      return count(headers, limits.headers.intervalMs) !== undefined
        ? intervalMs(headers)
        : limits.fallbackRetryAfterMs;
  }
}

/**
 * The `describeError` hook: a 429 keeps its RATE_LIMITED class and Retry-After when HubSpot
 * sends one; otherwise it waits as long as the limit it hit needs. Daily exhaustion stays
 * retryable (an hour at a time, see the manifest) and says so in vendorMessage. Other statuses
 * keep the shared classification, which already reads HubSpot's `message`.
 */
export function describeHubSpotError(response: VendorErrorResponse, classified: ConnectorError): ConnectorError {
  if (response.status !== limits.status) return classified;
  const body = hubspotErrorBody.safeParse(response.data);
  const policy = body.success ? body.data.policyName : undefined;
  const daily = policy === limits.policies.daily;
  const vendorMessage = daily
    ? `${DAILY_EXHAUSTED} (${classified.vendorMessage ?? 'policy DAILY'})`
    : classified.vendorMessage;
  return new ConnectorError(classified.message, {
    code: ConnectorErrorCode.RateLimited,
    retryable: true,
    status: response.status,
    retryAfterMs: classified.retryAfterMs ?? waitForPolicy(policy, response.headers),
    ...(vendorMessage !== undefined ? { vendorMessage } : {}),
  });
}

/**
 * The `pace` hook: when a response says a budget has nothing left, the next call waits until it
 * can have refilled — a whole interval, as the window rolls and we do not know when its oldest
 * call leaves it. Only an empty budget holds off: calls still in flight may take the last units.
 */
export function hubspotPaceAfter(response: { headers: Headers }): PaceDecision | undefined {
  const { headers } = response;
  const decisions: PaceDecision[] = [];
  if (count(headers, limits.headers.dailyRemaining) === 0)
    decisions.push({ waitMs: limits.dailyRetryAfterMs, reason: DAILY_EXHAUSTED });
  if (count(headers, limits.headers.remaining) === 0) {
    const max = count(headers, limits.headers.max);
    decisions.push({
      waitMs: intervalMs(headers),
      reason: `HubSpot's burst limit${max !== undefined ? ` of ${max}` : ''} per ${intervalMs(headers)} ms is used up`,
    });
  }
  if (count(headers, limits.headers.secondlyRemaining) === 0)
    decisions.push({ waitMs: limits.secondlyWindowMs, reason: "HubSpot's per-second limit is used up" });
  return decisions.reduce<PaceDecision | undefined>(
    (longest, decision) => (longest === undefined || decision.waitMs > longest.waitMs ? decision : longest),
    undefined,
  );
}

export const hubspotPacing: PacingOptions = { afterResponse: hubspotPaceAfter };
