/**
 * Reading a vendor's "come back later" hints. Pure functions: unit-tested without a server.
 */

/** Longer waits than this are clamped: a vendor asking for an hour should not park a workflow silently. */
export const MAX_RETRY_AFTER_MS = 10 * 60 * 1000;

/** Epoch seconds beyond this are timestamps rather than deltas (2001-09-09, far before any live reset). */
const EPOCH_SECONDS_THRESHOLD = 1_000_000_000;

function clamp(ms: number): number {
  return Math.min(Math.max(0, Math.round(ms)), MAX_RETRY_AFTER_MS);
}

function toEpochMs(now: Date | number): number {
  return typeof now === 'number' ? now : now.getTime();
}

/**
 * Parses a `Retry-After` value in either RFC 9110 form: delta-seconds (`120`) or an HTTP-date
 * (`Wed, 21 Oct 2015 07:28:00 GMT`). Returns milliseconds to wait, clamped to
 * [0, MAX_RETRY_AFTER_MS], or undefined when the header is absent or unreadable.
 */
export function parseRetryAfter(
  header: string | null | undefined,
  now: Date | number = Date.now(),
): number | undefined {
  if (header === null || header === undefined) return undefined;
  const value = header.trim();
  if (value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return clamp(Number(value) * 1000);
  // Only date-like values: Date.parse accepts bare numbers such as "-5" or "12abc" leniently.
  if (!/[a-z]/i.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return clamp(at - toEpochMs(now));
}

/**
 * Parses an `X-RateLimit-Reset` / `RateLimit-Reset` value: vendors send either epoch seconds
 * (GitHub, HubSpot) or seconds until the reset (the IETF draft); large values are the former.
 */
export function parseRateLimitReset(
  header: string | null | undefined,
  now: Date | number = Date.now(),
): number | undefined {
  if (header === null || header === undefined) return undefined;
  const value = header.trim();
  if (!/^\d+(\.\d+)?$/.test(value)) return undefined;
  const seconds = Number(value);
  if (seconds >= EPOCH_SECONDS_THRESHOLD) return clamp(seconds * 1000 - toEpochMs(now));
  return clamp(seconds * 1000);
}

/** Reads one header from axios' AxiosHeaders or a plain object, case-insensitively. */
export function headerValue(headers: unknown, name: string): string | undefined {
  if (headers === null || typeof headers !== 'object') return undefined;
  const lower = name.toLowerCase();
  let raw: unknown;
  const getter: unknown = (headers as { get?: unknown }).get;
  if (typeof getter === 'function') {
    raw = (getter as (header: string) => unknown).call(headers, lower);
  } else {
    const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === lower);
    raw = entry?.[1];
  }
  if (Array.isArray(raw)) raw = raw[0];
  if (typeof raw === 'number') return String(raw);
  return typeof raw === 'string' ? raw : undefined;
}

/**
 * The wait a response asks for: `Retry-After` first, then the rate-limit reset headers. When
 * none is present the result is undefined and the caller's retry policy backs off on its own.
 */
export function retryAfterFromHeaders(headers: unknown, now: Date | number = Date.now()): number | undefined {
  return (
    parseRetryAfter(headerValue(headers, 'retry-after'), now) ??
    parseRateLimitReset(headerValue(headers, 'x-ratelimit-reset'), now) ??
    parseRateLimitReset(headerValue(headers, 'ratelimit-reset'), now)
  );
}
