/**
 * Exit codes of the `junction` CLI: a contract scripts rely on, so numbers are never reused or
 * renumbered. Documented in docs/cli.md.
 */
export const EXIT = {
  /** The command did what was asked (a waited-for run COMPLETED, a connector test was ok). */
  OK: 0,
  /** The call worked but the outcome is negative: the run FAILED, was CANCELLED, TERMINATED or TIMED_OUT; a connector test failed. */
  NEGATIVE_OUTCOME: 1,
  /** Bad flags or arguments, unreadable or invalid JSON, or the API refused the request as invalid (400, 413, 415, other 4xx). */
  USAGE: 2,
  /** No key, a wrong key, or a key without the scope (401, 403). */
  AUTH: 3,
  /** The run, schedule, connector, key or route does not exist (404). */
  NOT_FOUND: 4,
  /** Understood but refused in the current state: a conflict (409) or a process refusing an update (422). */
  REFUSED: 5,
  /** The API could not be reached, timed out, or answered 5xx (e.g. 503 while Temporal is down). Retrying later may help. */
  UNAVAILABLE: 6,
  /** Rate limited (429). Retry after the time the message names. */
  RATE_LIMITED: 7,
  /** `--wait` / `runs watch` gave up after `--timeout`; the run is still open. */
  WAIT_TIMEOUT: 8,
  /** An answer the CLI does not understand, or a bug in the CLI. */
  UNEXPECTED: 9,
  /** Interrupted (Ctrl-C) while waiting: 128 + SIGINT, as shells report it. The run itself is not touched. */
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit code an HTTP error status maps to. */
export function exitCodeForStatus(status: number): ExitCode {
  if (status === 401 || status === 403) return EXIT.AUTH;
  if (status === 404) return EXIT.NOT_FOUND;
  if (status === 409 || status === 422) return EXIT.REFUSED;
  if (status === 429) return EXIT.RATE_LIMITED;
  if (status === 408 || status >= 500) return EXIT.UNAVAILABLE;
  if (status >= 400) return EXIT.USAGE;
  return EXIT.UNEXPECTED;
}
