import { ApplicationFailure } from '@temporalio/workflow';
import type { FlowScope } from '../../../activities/flow/flow-activity.types';
import { FLOW_ARGUMENTS_ERROR } from '../flow-failure-types';
import type { Frame, FlowRunState } from '../flow-run-state';
import { MAX_FOR_ITEMS } from '../flow-run-limits';
import { runTaskList, type JsonObject, type ListOutcome, type RunningTask, type TaskResult } from '../task-list';

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `for`: runs `do` once per item of `in`, with `$<each>` (default `$item`) and `$<at>` (default
 * `$index`) bound. One after another (the DSL's way), each iteration takes the previous one's
 * output and `while` is checked before each; the task's output is the last iteration's. With
 * `metadata.concurrency` n > 1, up to n iterations run at once, each from the task's input, and
 * the output is the list of their outputs in item order (`while` does not apply).
 */
export async function runForTask(
  state: FlowRunState,
  running: RunningTask,
  input: unknown,
  scope: FlowScope,
  frame: Frame,
): Promise<TaskResult> {
  const { task } = running;
  const spec = isJsonObject(task.for) ? task.for : {};
  const items = await state.evaluateOne(running.path, spec.in, scope);
  if (!Array.isArray(items)) {
    throw ApplicationFailure.nonRetryable(`Task ${running.path}: for.in must yield an array`, FLOW_ARGUMENTS_ERROR);
  }
  if (items.length > MAX_FOR_ITEMS) {
    throw ApplicationFailure.nonRetryable(
      `Task ${running.path}: for.in yields ${items.length} items; a for task takes at most ${MAX_FOR_ITEMS}`,
      FLOW_ARGUMENTS_ERROR,
    );
  }
  const each = typeof spec.each === 'string' ? spec.each : 'item';
  const at = typeof spec.at === 'string' ? spec.at : 'index';
  const metadata = isJsonObject(task.metadata) ? task.metadata : {};
  const concurrency = typeof metadata.concurrency === 'number' ? metadata.concurrency : 1;
  const iteration = (index: number, from: unknown): Promise<ListOutcome> =>
    runTaskList(state, task.do, `${running.runtimePath}/each/${index}/do`, from, {
      ...frame,
      variables: { ...frame.variables, [each]: items[index], [at]: index },
    });

  if (concurrency <= 1) {
    let current = input;
    for (let index = 0; index < items.length; index++) {
      if (task.while !== undefined) {
        const iterationFrame = { ...frame, variables: { ...frame.variables, [each]: items[index], [at]: index } };
        const reference = { name: running.name, reference: running.runtimePath };
        const go = await state.evaluateOne(running.path, task.while, state.scope(current, iterationFrame, reference));
        if (go !== true) break;
      }
      const outcome = await iteration(index, current);
      current = outcome.output;
      if (outcome.end) return { raw: current, end: true };
    }
    return { raw: current };
  }

  const outputs: unknown[] = new Array<unknown>(items.length).fill(null);
  let next = 0;
  let end = false;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      const outcome = await iteration(index, input);
      outputs[index] = outcome.output;
      end ||= outcome.end;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return { raw: outputs, end };
}
