import { ApplicationFailure, type WorkflowExecutionInfo } from '@temporalio/client';
import type { TypedSearchAttributes } from '@temporalio/common';
import type { Progress } from '../../workflows/shared/progress';
import type { RunLineage } from '../repair/run-lineage';

/** Statuses a run can be filtered by, with their names in Temporal's visibility query language. */
export const RUN_STATUSES = {
  RUNNING: 'Running',
  COMPLETED: 'Completed',
  FAILED: 'Failed',
  CANCELLED: 'Canceled',
  TERMINATED: 'Terminated',
  CONTINUED_AS_NEW: 'ContinuedAsNew',
  TIMED_OUT: 'TimedOut',
} as const;
export type RunStatus = keyof typeof RUN_STATUSES;
export const RUN_STATUS_NAMES = Object.keys(RUN_STATUSES) as [RunStatus, ...RunStatus[]];

export interface RunFailure {
  message: string;
  type: string | null;
  /** An application failure's first detail (a connector error's code, status, vendorMessage). */
  details?: unknown;
  cause: RunFailure | null;
}

export interface RunSummary {
  workflowId: string;
  runId: string;
  type: string;
  /** One of RUN_STATUSES, or what Temporal reports for states newer than this code. */
  status: string;
  startTime: string;
  closeTime: string | null;
  searchAttributes: Record<string, unknown>;
  links: { self: string };
}

export interface RunView extends RunSummary {
  taskQueue: string;
  /** The `progress` query's answer; null when no worker answered in time. */
  progress: Progress | null;
  result?: unknown;
  failure?: RunFailure;
  /** How resets link this run to others of its workflow id; null when Temporal could not be asked. */
  resets?: RunLineage | null;
}

export function runLink(workflowId: string): string {
  return `/v1/runs/${encodeURIComponent(workflowId)}`;
}

export function searchAttributesOf(attributes: TypedSearchAttributes): Record<string, unknown> {
  return Object.fromEntries(
    attributes
      .getAll()
      .map((pair) => [pair.key.name, pair.value instanceof Date ? pair.value.toISOString() : pair.value]),
  );
}

type ExecutionInfo = Pick<
  WorkflowExecutionInfo,
  'workflowId' | 'runId' | 'type' | 'status' | 'startTime' | 'closeTime' | 'typedSearchAttributes'
>;

export function toRunSummary(info: ExecutionInfo): RunSummary {
  return {
    workflowId: info.workflowId,
    runId: info.runId,
    type: info.type,
    status: info.status.name,
    startTime: info.startTime.toISOString(),
    closeTime: info.closeTime?.toISOString() ?? null,
    searchAttributes: searchAttributesOf(info.typedSearchAttributes),
    links: { self: runLink(info.workflowId) },
  };
}

/** The failure chain of a failed run, without stack traces. */
export function failureOf(error: unknown, depth = 0): RunFailure | null {
  if (!(error instanceof Error) || depth > 5) return null;
  const type = error instanceof ApplicationFailure ? (error.type ?? error.name) : error.name;
  const details = error instanceof ApplicationFailure ? error.details?.[0] : undefined;
  return {
    message: error.message,
    type: type || null,
    ...(details === undefined ? {} : { details }),
    cause: failureOf(error.cause, depth + 1),
  };
}
