import { condition } from '@temporalio/workflow';
import { DslErrorType, dslFailure } from '../dsl-errors';
import { durationMs } from '../durations';
import type { FlowRunState } from '../flow-run-state';
import { isJsonObject, type RunningTask, type TaskResult } from '../task-types';

/**
 * `listen`: waits for events sent to the run by the `event` update (e.g. an approval), until the
 * task's `timeout.after` (a DSL timeout error, catchable). The output is the list of the consumed
 * events' data (`read: data`, the DSL's default) or of the whole events (`read: envelope`).
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
    return { raw: spec.read === 'envelope' ? listener.consumed : listener.consumed.map((event) => event.data ?? null) };
  } finally {
    state.listeners.stop(listener);
    state.progress.setDetails({});
  }
}
