import type { FlowTaskOutput } from '../../activities/flow/flow-activity.types';

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One task as it runs: its name, definition and runtime path (`/do/2/charge`, `…/each/3/…`, `#2` on a second run). */
export interface RunningTask {
  name: string;
  task: JsonObject;
  /** The task's path in the document (what progress shows). */
  path: string;
  /** The path of this run of it (idempotency keys). */
  runtimePath: string;
}

/** What a task kind produced; `applied` when the kind already applied output.as / export.as (connector calls). */
export interface TaskResult {
  raw: unknown;
  applied?: FlowTaskOutput;
  /** A flow directive chosen at run time (a `switch` case's `then`). */
  then?: string;
  /** `then: end` was reached inside: the whole flow ends. */
  end?: boolean;
}

/** A task after its output rules: its output and the directive it ends with. */
export interface TaskOutcome {
  output: unknown;
  then?: string;
  end?: boolean;
}

export interface ListOutcome {
  output: unknown;
  end: boolean;
}
