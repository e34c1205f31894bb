import { evaluateTemplate } from '../../server/flows/jq/evaluate-templates';
import type { JqRuntime } from '../../server/flows/jq/jq-runtime';
import type { ApplyFlowTaskOutputRequest, FlowTaskOutput } from './flow-activity.types';

/**
 * DSL 1.0 data flow after a task ran: `output.as` over the raw output gives the transformed output
 * (the next task's input); `export.as` over that, with `$output` bound to it, gives the new `$context`.
 */
export function applyTaskOutput(jq: JqRuntime, request: Omit<ApplyFlowTaskOutputRequest, 'task'>): FlowTaskOutput {
  const { raw, outputAs, exportAs, scope } = request;
  const output = outputAs === undefined ? raw : evaluateTemplate(jq, outputAs, { ...scope, input: raw });
  if (exportAs === undefined) return { output };
  const context = evaluateTemplate(jq, exportAs, { input: output, variables: { ...scope.variables, output } });
  return { output, context };
}
