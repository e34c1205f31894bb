import { evaluateTemplates } from '../../server/flows/jq/evaluate-templates';
import { loadJq } from '../../server/flows/jq/jq-runtime';
import type { ApplyFlowTaskOutputRequest, EvaluateFlowTemplatesRequest, FlowTaskOutput } from './flow-activity.types';
import { withExpressionFailures } from './flow-failures';
import { applyTaskOutput } from './task-output';

/**
 * jq for the flow interpreter, run as local activities: the sandbox cannot host the wasm runtime
 * (module state is per workflow there, 16 MiB each), and a local activity's result is recorded in
 * the history, so a replay reads it instead of evaluating again.
 */
export function createFlowExpressionActivities() {
  return {
    async evaluateFlowTemplates({ task, templates, scope }: EvaluateFlowTemplatesRequest): Promise<unknown[]> {
      const jq = await loadJq();
      return withExpressionFailures(task, () => evaluateTemplates(jq, templates, scope));
    },

    async applyFlowTaskOutput({ task, ...request }: ApplyFlowTaskOutputRequest): Promise<FlowTaskOutput> {
      const jq = await loadJq();
      return withExpressionFailures(task, () => applyTaskOutput(jq, request));
    },
  };
}
