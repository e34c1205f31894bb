import { sleep } from '@temporalio/workflow';
import type { FlowScope } from '../../../activities/flow/flow-activity.types';
import { dslFailure, isDslError } from '../dsl-errors';
import { durationMs } from '../durations';
import type { FlowRunState } from '../flow-run-state';
import type { JsonObject, RunningTask, TaskResult } from '../task-list';

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `set`: the task's output is the evaluated value. */
export async function runSetTask(state: FlowRunState, running: RunningTask, scope: FlowScope): Promise<TaskResult> {
  return { raw: await state.evaluateOne(running.path, running.task.set, scope) };
}

/**
 * `switch`: the first case whose `when` is true (all conditions are evaluated in one jq run), or
 * the case without `when`, chooses the flow directive. The input passes through.
 */
export async function runSwitchTask(
  state: FlowRunState,
  running: RunningTask,
  input: unknown,
  scope: FlowScope,
): Promise<TaskResult> {
  const cases = (Array.isArray(running.task.switch) ? running.task.switch : [])
    .filter(isJsonObject)
    .map((item) => Object.values(item)[0])
    .filter(isJsonObject);
  const conditions = await state.evaluate(
    running.path,
    cases.map((item) => item.when ?? null),
    scope,
  );
  const chosen = cases.find((item, index) => (item.when === undefined ? true : conditions[index] === true));
  return { raw: input, then: typeof chosen?.then === 'string' ? chosen.then : 'continue' };
}

/** `raise`: fails the task with the evaluated DSL error (catchable by an enclosing `try`). */
export async function runRaiseTask(state: FlowRunState, running: RunningTask, scope: FlowScope): Promise<TaskResult> {
  const raise = isJsonObject(running.task.raise) ? running.task.raise : {};
  const error = await state.evaluateOne(running.path, raise.error, scope);
  if (!isDslError(error)) {
    throw new Error(`Task ${running.path}: raise.error must be an error with type and status`);
  }
  throw dslFailure({ ...error, instance: error.instance ?? running.runtimePath });
}

/** `wait`: a durable timer; the input passes through. */
export async function runWaitTask(
  state: FlowRunState,
  running: RunningTask,
  input: unknown,
  scope: FlowScope,
): Promise<TaskResult> {
  const duration = await state.evaluateOne(running.path, running.task.wait, scope);
  await sleep(durationMs(duration));
  return { raw: input };
}
