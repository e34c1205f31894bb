import { AsyncLocalStorage } from 'node:async_hooks';

/** Correlation fields that every log line written inside a request or an activity carries. */
export interface LogContext {
  requestId?: string;
  workflowId?: string;
  runId?: string;
  activity?: string;
  role?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

export function currentLogContext(): LogContext {
  return storage.getStore() ?? {};
}

/** Runs fn with ctx merged over the current context; lines logged inside carry it. */
export function withLogContext<T>(ctx: LogContext, fn: () => T): T {
  return storage.run({ ...currentLogContext(), ...ctx }, fn);
}
