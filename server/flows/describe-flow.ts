import type { ValidatedFlow } from './validate-flow';
import { flowTasks, isJsonObject } from './task-tree';

export interface FlowDescription {
  name: string;
  namespace: string;
  version: string;
  /** The flow's `input.schema` JSON Schema, or `{}` (anything) when it declares none. */
  inputSchema: Record<string, unknown>;
  /** Every task's path, parents before children: `/do/0/createOrder`, `/do/1/pay/try/0/capture`. */
  taskPaths: string[];
}

/** What the catalog lists about a validated flow (as `flow:<name>`). */
export function describeFlow(flow: ValidatedFlow): FlowDescription {
  const schema = flow.input?.schema;
  const inline = isJsonObject(schema) && 'document' in schema && isJsonObject(schema.document) ? schema.document : {};
  return {
    name: flow.document.name,
    namespace: flow.document.namespace,
    version: flow.document.version,
    inputSchema: inline,
    taskPaths: flowTasks(flow as unknown as Record<string, unknown>).map((task) => task.path),
  };
}
