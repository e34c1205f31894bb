/**
 * Junction's schedule spec → Temporal's ScheduleOptions / ScheduleUpdateOptions.
 *
 * - Each run is started with workflow ID `schedule-<id>`; Temporal appends the nominal time
 *   (`schedule-nightly-2030-01-01T02:00:00Z`), so firings never collide with each other, and the
 *   process's own idempotency keys (`<workflowId>:<step>`) are distinct per firing. Runs started
 *   through POST /v1/runs keep their business-key IDs, so a scheduled run never blocks or
 *   deduplicates against one started by a business system.
 * - Runs go to the deployment's task queue and carry the process's initial search attributes
 *   (BusinessKey, …), like runs started through the API; Temporal adds TemporalScheduledById.
 */
import type {
  ScheduleOptions,
  ScheduleOptionsStartWorkflowAction,
  ScheduleOverlapPolicy,
  ScheduleSpec as TemporalScheduleSpec,
  ScheduleUpdateOptions,
} from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import type { ProcessDefinition } from '../../workflows/catalog';
import { MANAGED_BY_MEMO_KEY, specMemo, type ManagedBy } from './schedule-memo';
import { durationMs, type Every, type OverlapPolicy, type ScheduleSpec } from './schedule-spec';

export const SCHEDULED_WORKFLOW_ID_PREFIX = 'schedule-';

export function scheduledWorkflowIdPrefix(scheduleId: string): string {
  return `${SCHEDULED_WORKFLOW_ID_PREFIX}${scheduleId}`;
}

export function toTemporalOverlap(policy: OverlapPolicy): Exclude<ScheduleOverlapPolicy, undefined> {
  return policy.toUpperCase() as Exclude<ScheduleOverlapPolicy, undefined>;
}

/** Durations were checked by the spec schema; a bad one here is a bug, not a user error. */
function ms(text: string): number {
  const value = durationMs(text);
  if (value === null) throw new Error(`invalid duration "${text}" passed the schedule spec schema`);
  return value;
}

function intervalOf(every: Every): { every: number; offset?: number } {
  if (typeof every === 'string') return { every: ms(every) };
  return { every: ms(every.interval), ...(every.offset === undefined ? {} : { offset: ms(every.offset) }) };
}

export function toTemporalSpec(spec: ScheduleSpec): TemporalScheduleSpec {
  const timing: TemporalScheduleSpec =
    spec.cron !== undefined
      ? { cronExpressions: typeof spec.cron === 'string' ? [spec.cron] : [...spec.cron] }
      : { intervals: spec.every === undefined ? [] : [intervalOf(spec.every)] };
  return { ...timing, timezone: spec.timezone };
}

export interface ActionContext {
  /** The deployment's task queue (config.temporal.taskQueue). */
  taskQueue: string;
}

type StartWorkflowAction = ScheduleOptionsStartWorkflowAction<Workflow>;

export function toScheduleAction(
  spec: ScheduleSpec,
  process: ProcessDefinition,
  context: ActionContext,
): StartWorkflowAction {
  return {
    type: 'startWorkflow',
    workflowType: process.type,
    workflowId: scheduledWorkflowIdPrefix(spec.id),
    taskQueue: context.taskQueue,
    // A flow's runs get its FlowRunInput: the flow version the schedule was written with travels with them.
    args: [process.startArgument ? process.startArgument(spec.input) : spec.input],
    typedSearchAttributes: process.initialSearchAttributes(spec.input),
    memo: specMemo(spec, context.taskQueue),
  };
}

function policiesOf(spec: ScheduleSpec): NonNullable<ScheduleOptions['policies']> {
  return {
    overlap: toTemporalOverlap(spec.overlap),
    ...(spec.catchupWindow === undefined ? {} : { catchupWindow: ms(spec.catchupWindow) }),
  };
}

function stateOf(spec: ScheduleSpec): { paused: boolean; note?: string } {
  return { paused: spec.paused, ...(spec.note === undefined ? {} : { note: spec.note }) };
}

/** For client.schedule.create; `managedBy` goes to the Schedule's memo, which never changes after. */
export function toScheduleOptions(
  spec: ScheduleSpec,
  process: ProcessDefinition,
  context: ActionContext & { managedBy: ManagedBy },
): ScheduleOptions<StartWorkflowAction> {
  return {
    scheduleId: spec.id,
    spec: toTemporalSpec(spec),
    action: toScheduleAction(spec, process, context),
    policies: policiesOf(spec),
    state: stateOf(spec),
    memo: { [MANAGED_BY_MEMO_KEY]: context.managedBy },
  };
}

/**
 * For handle.update: the whole schedule is replaced, state included (a replace with `paused`
 * omitted unpauses; GET returns the live state in `spec.paused`, so a read-modify-write keeps it).
 */
export function toScheduleUpdateOptions(
  spec: ScheduleSpec,
  process: ProcessDefinition,
  context: ActionContext,
): ScheduleUpdateOptions<StartWorkflowAction> {
  return {
    spec: toTemporalSpec(spec),
    action: toScheduleAction(spec, process, context),
    policies: policiesOf(spec),
    state: stateOf(spec),
  };
}
