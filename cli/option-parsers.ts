import { InvalidArgumentError } from 'commander';

/** Option parsers: a bad value is a usage error that names the option (exit code 2). */

export function parseApiUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('must be an http(s) URL such as http://127.0.0.1:3000');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError('must be an http(s) URL');
  if (url.username || url.password)
    throw new InvalidArgumentError('must not carry credentials: use --key or JUNCTION_API_KEY');
  return value;
}

function positiveInteger(value: string, max: number): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed < 1 || parsed > max) {
    throw new InvalidArgumentError(`must be a whole number from 1 to ${max}`);
  }
  return parsed;
}

export const parseLimit = (value: string): number => positiveInteger(value, 100_000);
export const parsePageSize = (value: string): number => positiveInteger(value, 100);
export const parseSeconds = (value: string): number => positiveInteger(value, 86_400 * 366);
export const parseMilliseconds = (value: string): number => positiveInteger(value, 3_600_000);
export const parseDays = (value: string): number => positiveInteger(value, 3650);

/** An ISO 8601 instant; the API insists on an explicit zone, and so does the CLI. */
export function parseInstant(value: string): string {
  if (!/(Z|[+-]\d\d:\d\d)$/i.test(value) || Number.isNaN(Date.parse(value))) {
    throw new InvalidArgumentError('must be an ISO 8601 date-time with a time zone, e.g. 2030-01-31T00:00:00Z');
  }
  return value;
}

/** Comma-separated values, e.g. `--scopes runs:read,runs:write`. */
export function parseList(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part.length > 0),
  ];
}
