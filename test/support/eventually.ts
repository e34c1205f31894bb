/**
 * The one polling helper of the tests: for what trails the call that causes it (Temporal's
 * visibility index, audit rows, the intake consumer, a fake's mailbox, a workflow's progress).
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface EventuallyOptions {
  /** How long to keep reading; the default suits a loaded CI machine. */
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
  /**
   * Count a read that throws as "not yet" (services being restarted on purpose). Off by
   * default: an unexpected error then fails at once instead of after the timeout.
   */
  readonly retryErrors?: boolean;
}

const DEFAULT_TIMEOUT_MS = 20_000;
const DEFAULT_INTERVAL_MS = 250;

function describeValue(value: unknown): string {
  const text = value instanceof Error ? value.message : (JSON.stringify(value) ?? String(value));
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

/** Names what is awaited in the timeout failure; a function is asked only then, for a count or state at that moment. */
export type Awaiting = string | (() => string);

/** Reads until `done` holds for what was read, and answers that; fails naming `what` and the last read after the timeout. */
export async function eventually<T>(
  what: Awaiting,
  read: () => Promise<T> | T,
  done: (value: T) => boolean,
  { timeoutMs = DEFAULT_TIMEOUT_MS, intervalMs = DEFAULT_INTERVAL_MS, retryErrors = false }: EventuallyOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let last: { value: T } | { error: unknown };
    try {
      const value = await read();
      if (done(value)) return value;
      last = { value };
    } catch (error) {
      if (!retryErrors) throw error;
      last = { error };
    }
    if (Date.now() > deadline) {
      const seen =
        'value' in last ? `last read: ${describeValue(last.value)}` : `last error: ${describeValue(last.error)}`;
      throw new Error(`${typeof what === 'string' ? what : what()}: not within ${timeoutMs} ms (${seen})`);
    }
    await sleep(intervalMs);
  }
}

/** Reads until the read finds something (not undefined or null), and answers it. */
export async function eventuallyFound<T>(
  what: Awaiting,
  read: () => Promise<T | undefined | null> | T | undefined | null,
  options?: EventuallyOptions,
): Promise<T> {
  return (await eventually(what, read, (value) => value !== undefined && value !== null, options)) as T;
}
