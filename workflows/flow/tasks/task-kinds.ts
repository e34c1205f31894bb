import type { FlowScope } from '../../../activities/flow/flow-activity.types';
import type { Frame, FlowRunState } from '../flow-run-state';
import { runTaskList, type RunningTask, type TaskResult } from '../task-list';
import { runCallTask } from './call-task';
import { runRaiseTask, runSetTask, runSwitchTask, runWaitTask } from './data-tasks';
import { runForTask } from './for-task';
import { runForkTask } from './fork-task';
import { runListenTask } from './listen-task';
import { runWorkflowTask } from './run-workflow-task';
import { runTryTask } from './try-task';

/** Runs a task by its kind (the one kind key it has; `do` only when no other, since `for` has `do` too). */
export async function runTaskOfKind(
  state: FlowRunState,
  running: RunningTask,
  input: unknown,
  scope: FlowScope,
  frame: Frame,
): Promise<TaskResult> {
  const { task } = running;
  if ('call' in task) return runCallTask(state, running, scope, frame);
  if ('set' in task) return runSetTask(state, running, scope);
  if ('switch' in task) return runSwitchTask(state, running, input, scope);
  if ('for' in task) return runForTask(state, running, input, scope, frame);
  if ('fork' in task) return runForkTask(state, running, input, frame);
  if ('try' in task) return runTryTask(state, running, input, frame);
  if ('wait' in task) return runWaitTask(state, running, input, scope);
  if ('listen' in task) return runListenTask(state, running);
  if ('raise' in task) return runRaiseTask(state, running, scope);
  if ('run' in task) return runWorkflowTask(state, running, input, scope);
  if ('do' in task) {
    const outcome = await runTaskList(state, task.do, `${running.runtimePath}/do`, input, frame);
    return { raw: outcome.output, end: outcome.end };
  }
  throw new Error(`Task ${running.path} has no kind Junction runs`); // refused at publish
}
