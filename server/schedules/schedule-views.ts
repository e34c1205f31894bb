/**
 * How /v1/schedules shows a schedule. `spec` is the editable form: GET it, change it, PUT it back.
 * It is the spec as last written through Junction (the cron text and description exist nowhere
 * else), with the action's current input and the live paused state and note, so a
 * read-modify-write never unpauses a schedule someone paused meanwhile. It is null for a schedule
 * created outside Junction (Web UI, CLI); those are listed and can be paused, triggered, backfilled,
 * replaced or deleted like any other.
 */
import type {
  ScheduleDescription,
  ScheduleExecutionResult,
  ScheduleExecutionStartWorkflowActionResult,
} from '@temporalio/client';
import { flowNameOf, type FlowRunInput } from '../../workflows/flow/flow-run.types';
import { runLink } from '../runs/run-views';
import { managedByOf, specMemoOf, type ManagedBy } from './schedule-memo';
import type { ScheduleSpec } from './schedule-spec';

export interface ScheduledActionView {
  /** When the schedule meant the run to start (jitter included). */
  scheduledAt: string;
  /** When Temporal started it. */
  takenAt: string;
  workflowId: string;
  runId: string;
  links: { run: string };
}

export interface RunningActionView {
  workflowId: string;
  runId: string;
  links: { run: string };
}

export interface ScheduleState {
  paused: boolean;
  note: string | null;
}

export interface ScheduleSummaryView {
  id: string;
  managedBy: ManagedBy | null;
  workflow: string | null;
  state: ScheduleState;
  info: {
    /** Oldest first, at most Temporal's ten. */
    recentActions: ScheduledActionView[];
    nextActionTimes: string[];
  };
  links: { self: string };
}

export interface ScheduleView extends ScheduleSummaryView {
  spec: ScheduleSpec | null;
  info: ScheduleSummaryView['info'] & {
    runningActions: RunningActionView[];
    actionCount: number;
    skippedOverlap: number;
    missedCatchupWindow: number;
    createdAt: string;
    updatedAt: string | null;
  };
}

export function scheduleLink(id: string): string {
  return `/v1/schedules/${encodeURIComponent(id)}`;
}

function runningActionView({ workflow }: ScheduleExecutionStartWorkflowActionResult): RunningActionView {
  return {
    workflowId: workflow.workflowId,
    runId: workflow.firstExecutionRunId,
    links: { run: runLink(workflow.workflowId) },
  };
}

export function actionView(result: ScheduleExecutionResult): ScheduledActionView {
  return {
    scheduledAt: result.scheduledAt.toISOString(),
    takenAt: result.takenAt.toISOString(),
    ...runningActionView(result.action),
  };
}

export function stateView(state: { paused: boolean; note?: string | undefined }): ScheduleState {
  return { paused: state.paused, note: state.note ? state.note : null };
}

/** The input as the spec gives it: a flow's argument is a FlowRunInput wrapping it. */
function scheduledInputOf(workflowType: string, argument: unknown): unknown {
  if (flowNameOf(workflowType) === null) return argument;
  return typeof argument === 'object' && argument !== null && 'input' in argument
    ? (argument as FlowRunInput).input
    : argument;
}

function editableSpec(description: ScheduleDescription, state: ScheduleState): ScheduleSpec | null {
  const memo = specMemoOf(description.action.memo);
  if (!memo) return null;
  const { note: _storedNote, ...stored } = memo.spec;
  return {
    ...stored,
    input: scheduledInputOf(description.action.workflowType, description.action.args?.[0]),
    paused: state.paused,
    ...(state.note === null ? {} : { note: state.note }),
  };
}

export function toScheduleView(description: ScheduleDescription): ScheduleView {
  const state = stateView(description.state);
  return {
    id: description.scheduleId,
    managedBy: managedByOf(description.memo),
    workflow: description.action.workflowType,
    spec: editableSpec(description, state),
    state,
    info: {
      recentActions: description.info.recentActions.map(actionView),
      nextActionTimes: description.info.nextActionTimes.map((time) => time.toISOString()),
      runningActions: description.info.runningActions.map(runningActionView),
      actionCount: description.info.numActionsTaken,
      skippedOverlap: description.info.numActionsSkippedOverlap,
      missedCatchupWindow: description.info.numActionsMissedCatchupWindow,
      createdAt: description.info.createdAt.toISOString(),
      updatedAt: description.info.lastUpdatedAt?.toISOString() ?? null,
    },
    links: { self: scheduleLink(description.scheduleId) },
  };
}
