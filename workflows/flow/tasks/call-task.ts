import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../../../activities';
import type { FlowScope } from '../../../activities/flow/flow-activity.types';
import { connectorCall } from '../../shared/activity-options';
import type { Frame, FlowRunState } from '../flow-run-state';
import type { JsonObject, RunningTask, TaskResult } from '../task-list';

const calls = proxyActivities<Activities>(connectorCall);

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Activities with the retry policy of an enclosing `try`'s `catch.retry` instead of the default. */
function callsWithRetry(retry: NonNullable<Frame['retry']>) {
  const options: ActivityOptions = { ...connectorCall, retry };
  return proxyActivities<Activities>(options);
}

/**
 * `call: <kind>.<operation>`: one activity evaluates the arguments, calls the connector with the
 * task's idempotency key and applies output.as / export.as.
 */
export async function runCallTask(
  state: FlowRunState,
  running: RunningTask,
  scope: FlowScope,
  frame: Frame,
  options: { idempotencyKey?: string; activities?: ReturnType<typeof proxyActivities<Activities>> } = {},
): Promise<TaskResult> {
  const { task } = running;
  if (task.call === 'http') {
    throw new Error(`Task ${running.path}: call: http needs an http connector instance`);
  }
  const activities = options.activities ?? (frame.retry ? callsWithRetry(frame.retry) : calls);
  const outputRules = isJsonObject(task.output) ? task.output : {};
  const exportRules = isJsonObject(task.export) ? task.export : {};
  const applied = await activities.callFlowFunction({
    task: running.path,
    function: String(task.call),
    arguments: isJsonObject(task.with) ? task.with : {},
    scope,
    idempotencyKey: options.idempotencyKey ?? state.idempotencyKey(running.runtimePath),
    outputAs: outputRules.as,
    exportAs: exportRules.as,
  });
  return { raw: applied.output, applied };
}
