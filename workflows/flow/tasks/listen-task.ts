import { condition } from '@temporalio/workflow';
import { DslErrorType, dslFailure } from '../dsl-errors';
import { durationMs } from '../durations';
import type { FlowRunState } from '../flow-run-state';
import type { JsonObject, RunningTask, TaskResult } from '../task-list';

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `listen`: waits for events sent to the run by the `event` update (e.g. an approval), until the
 * task's `timeout.after` (a DSL timeout error, catchable). The output is the list of consumed events.
 */
export async function runListenTask(state: FlowRunState, running: RunningTask): Promise<TaskResult> {
  const spec = isJsonObject(running.task.listen) ? running.task.listen : {};
  const timeout = isJsonObject(running.task.timeout) ? running.task.timeout.after : undefined;
  const listener = state.listeners.listen(running.runtimePath, spec.to);
  state.progress.setDetails({ waitingFor: 'event', task: running.runtimePath });
  try {
    const arrived =
      timeout === undefined
        ? await condition(() => listener.done).then(() => true)
        : await condition(() => listener.done, durationMs(timeout));
    if (!arrived) {
      throw dslFailure({
        type: DslErrorType.timeout,
        status: 408,
        title: 'Timeout',
        detail: `Task ${running.path}: no event arrived within its timeout`,
        instance: running.runtimePath,
      });
    }
    return { raw: listener.consumed };
  } finally {
    state.listeners.stop(listener);
    state.progress.setDetails({});
  }
}
