import { ApplicationFailure } from '@temporalio/workflow';
import type { FlowScope } from '../../activities/flow/flow-activity.types';
import { FLOW_EXPRESSION_ERROR } from './flow-failure-types';
import type { Frame, FlowRunState } from './flow-run-state';
import { isJsonObject, type JsonObject, type ListOutcome, type RunningTask, type TaskOutcome } from './task-types';
import { runTaskOfKind } from './tasks/task-kinds';

/** The `name: task` entry of a task list item. */
function entryOf(item: unknown): [string, JsonObject] {
  const [entry] = isJsonObject(item) ? Object.entries(item) : [];
  if (!entry || !isJsonObject(entry[1])) throw new Error('a task list item must be { <name>: <task> }');
  return [entry[0], entry[1]];
}

/**
 * Runs a DSL task list: each task's output is the next one's input; `then` continues, exits the
 * list, ends the flow or jumps to a task of the same list by name.
 */
export async function runTaskList(
  state: FlowRunState,
  list: unknown,
  listPath: string,
  input: unknown,
  frame: Frame,
): Promise<ListOutcome> {
  const items = Array.isArray(list) ? list : [];
  let index = 0;
  let current = input;
  while (index < items.length) {
    const [name, task] = entryOf(items[index]);
    const path = `${listPath}/${index}/${name}`;
    const result = await runTask(state, { name, task, path, runtimePath: state.visit(path) }, current, frame);
    current = result.output;
    const then = result.then ?? (typeof task.then === 'string' ? task.then : 'continue');
    if (result.end || then === 'end') return { output: current, end: true };
    if (then === 'exit') return { output: current, end: false };
    if (then === 'continue') {
      index += 1;
      continue;
    }
    const target = items.findIndex((item) => entryOf(item)[0] === then);
    if (target < 0) throw new Error(`then: ${then} names no task of ${listPath}`); // validated at publish
    index = target;
  }
  return { output: current, end: false };
}

/**
 * One task with the DSL's data flow around it: `if` (over the input as it arrives; a skipped task
 * passes it on), `input.from`, the task itself, `output.as`, `export.as` (the new `$context`).
 */
export async function runTask(
  state: FlowRunState,
  running: RunningTask,
  input: unknown,
  frame: Frame,
): Promise<TaskOutcome> {
  const { task } = running;
  const reference = { name: running.name, reference: running.runtimePath };
  const inputRules = isJsonObject(task.input) ? task.input : {};
  let taskInput = input;
  if (task.if !== undefined || inputRules.from !== undefined) {
    const [condition, from] = await state.evaluate(
      running.path,
      [task.if ?? true, inputRules.from ?? null],
      state.scope(input, frame, reference),
    );
    if (condition !== true) return { output: input };
    if (inputRules.from !== undefined) taskInput = from;
  }
  const scope: FlowScope = state.scope(taskInput, frame, reference);
  try {
    return await runTaskBody(state, running, taskInput, scope, frame);
  } catch (error) {
    state.noteFailure(error, running.runtimePath);
    throw error;
  }
}

async function runTaskBody(
  state: FlowRunState,
  running: RunningTask,
  taskInput: unknown,
  scope: FlowScope,
  frame: Frame,
): Promise<TaskOutcome> {
  const { task } = running;
  return state.progress.step(running.runtimePath, async () => {
    const result = await runTaskOfKind(state, running, taskInput, scope, frame);
    const outputRules = isJsonObject(task.output) ? task.output : {};
    const exportRules = isJsonObject(task.export) ? task.export : {};
    const applied =
      result.applied ??
      (await state.applyOutput(
        running.path,
        result.raw,
        { outputAs: outputRules.as, exportAs: exportRules.as },
        scope,
      ));
    if (applied.context !== undefined) state.context = applied.context;
    const metadata = isJsonObject(task.metadata) ? task.metadata : {};
    if (typeof metadata.compensate === 'string') {
      state.compensations.push({
        compensator: metadata.compensate,
        compensated: running.runtimePath,
        scope: {
          input: applied.output,
          variables: { ...scope.variables, context: state.context, output: applied.output },
        },
      });
    }
    // The write happened (its compensation is noted above); only its output rules failed.
    if (applied.outputFailure !== undefined) {
      throw ApplicationFailure.nonRetryable(applied.outputFailure, FLOW_EXPRESSION_ERROR);
    }
    return { output: applied.output, then: result.then, end: result.end };
  });
}
