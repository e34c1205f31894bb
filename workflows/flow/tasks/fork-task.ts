import { CancellationScope } from '@temporalio/workflow';
import type { Frame, FlowRunState } from '../flow-run-state';
import { runTask, type JsonObject, type RunningTask, type TaskResult } from '../task-list';

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `fork`: the branches run at once, each from the task's input. Without `compete` the output is
 * the list of the branches' outputs and the first failure cancels the others; with `compete` the
 * first branch to finish gives the output and the others are cancelled.
 */
export async function runForkTask(
  state: FlowRunState,
  running: RunningTask,
  input: unknown,
  frame: Frame,
): Promise<TaskResult> {
  const spec = isJsonObject(running.task.fork) ? running.task.fork : {};
  const branches = (Array.isArray(spec.branches) ? spec.branches : [])
    .filter(isJsonObject)
    .map((item) => Object.entries(item)[0])
    .filter((entry): entry is [string, JsonObject] => entry !== undefined && isJsonObject(entry[1]));
  const base = `${running.runtimePath}/fork/branches`;
  return CancellationScope.cancellable(async () => {
    const runs = branches.map(([name, task], index) => {
      const path = `${base}/${index}/${name}`;
      return runTask(state, { name, task, path, runtimePath: state.visit(path) }, input, frame);
    });
    // The losers of a race, or the siblings of a failed branch, end cancelled: nobody awaits them.
    runs.forEach((branch) => branch.catch(() => undefined));
    try {
      if (spec.compete === true) {
        const winner = await Promise.race(runs);
        CancellationScope.current().cancel();
        return { raw: winner.output, end: winner.end };
      }
      const outcomes = await Promise.all(runs);
      return { raw: outcomes.map((outcome) => outcome.output), end: outcomes.some((outcome) => outcome.end) };
    } catch (error) {
      CancellationScope.current().cancel();
      throw error;
    }
  });
}
