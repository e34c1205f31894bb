import { ApplicationFailure, executeChild } from '@temporalio/workflow';
import type { FlowScope } from '../../../activities/flow/flow-activity.types';
import { FLOW_ARGUMENTS_ERROR } from '../flow-failure-types';
import type { FlowRunState } from '../flow-run-state';
import type { JsonObject, RunningTask, TaskResult } from '../task-list';

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `run.workflow.namespace` naming Junction's code processes (workflows/catalog.ts). */
export const CATALOG_NAMESPACE = 'junction';

/**
 * `run: workflow` with namespace `junction`: a catalog process (orderToCash …) as a child workflow
 * whose id is `<workflowId>:<task path>`, so a replayed or retried parent never starts it twice.
 * Its input is `run.workflow.input` (default: the task's input); its output is the child's result.
 */
export async function runWorkflowTask(
  state: FlowRunState,
  running: RunningTask,
  input: unknown,
  scope: FlowScope,
): Promise<TaskResult> {
  const spec =
    isJsonObject(running.task.run) && isJsonObject(running.task.run.workflow) ? running.task.run.workflow : {};
  if (spec.namespace !== CATALOG_NAMESPACE || typeof spec.name !== 'string') {
    throw ApplicationFailure.nonRetryable(
      `Task ${running.path}: run.workflow runs a catalog process: namespace ${CATALOG_NAMESPACE} and its type as name`,
      FLOW_ARGUMENTS_ERROR,
    );
  }
  const childInput = spec.input === undefined ? input : await state.evaluateOne(running.path, spec.input, scope);
  const result = await executeChild(spec.name, {
    args: [childInput],
    workflowId: state.idempotencyKey(running.runtimePath),
  });
  return { raw: result };
}
