import { ApplicationFailure, executeChild, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../../../activities';
import type { FlowScope } from '../../../activities/flow/flow-activity.types';
import { FLOW_ARGUMENTS_ERROR } from '../flow-failure-types';
import type { FlowRunState } from '../flow-run-state';
import { CATALOG_NAMESPACE, flowWorkflowType, type FlowRunInput } from '../flow-run.types';
import { isJsonObject, type RunningTask, type TaskResult } from '../task-types';

const flows = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 5, nonRetryableErrorTypes: [FLOW_ARGUMENTS_ERROR] },
});

/**
 * `run: workflow`: a child workflow whose id is `<workflowId>:<task path>`, so a replayed or
 * retried parent never starts it twice. With namespace `junction`, `name` is a catalog process
 * type (orderToCash …); with any other, `name@version` is a published flow, which the child runs
 * pinned to (its document is read once and recorded in this run's history). The input is
 * `run.workflow.input` (default: the task's input), checked against the child's schema first (a
 * non-retryable failure naming the fields); the output is the child's result.
 */
export async function runWorkflowTask(
  state: FlowRunState,
  running: RunningTask,
  input: unknown,
  scope: FlowScope,
): Promise<TaskResult> {
  const spec =
    isJsonObject(running.task.run) && isJsonObject(running.task.run.workflow) ? running.task.run.workflow : {};
  if (typeof spec.name !== 'string' || typeof spec.version !== 'string') {
    throw ApplicationFailure.nonRetryable(
      `Task ${running.path}: run.workflow needs a name and a version`,
      FLOW_ARGUMENTS_ERROR,
    );
  }
  const childInput = spec.input === undefined ? input : await state.evaluateOne(running.path, spec.input, scope);
  const workflowId = state.idempotencyKey(running.runtimePath);
  if (spec.namespace === CATALOG_NAMESPACE) {
    await flows.checkCatalogProcessInput({ task: running.path, type: spec.name, input: childInput });
    return { raw: await executeChild(spec.name, { args: [childInput], workflowId }) };
  }
  const flow = await flows.resolveFlowVersion({
    task: running.path,
    name: spec.name,
    version: spec.version,
    input: childInput,
  });
  const args: [FlowRunInput] = [{ flow, input: childInput }];
  return { raw: await executeChild(flowWorkflowType(flow.name), { args, workflowId }) };
}
