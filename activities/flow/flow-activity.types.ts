/**
 * What the flow interpreter (workflows/flow/) asks of the activities that evaluate jq and call
 * connectors outside the sandbox. Templates are DSL values where a string `${ … }` is an expression.
 */

/** `.` and the `$` variables (names without `$`) of one evaluation. */
export interface FlowScope {
  input: unknown;
  variables: Record<string, unknown>;
}

export interface EvaluateFlowTemplatesRequest {
  /** The task path, for error messages. */
  task: string;
  templates: unknown[];
  scope: FlowScope;
}

/** A task's `output.as` and `export.as`, applied to what it produced. */
export interface FlowTaskOutputRules {
  outputAs?: unknown;
  exportAs?: unknown;
}

export interface ApplyFlowTaskOutputRequest extends FlowTaskOutputRules {
  task: string;
  /** What the task produced, before `output.as`. */
  raw: unknown;
  /** The scope of the task (its `$input`, `$context` …); `.` is set per rule. */
  scope: FlowScope;
}

/** The task's transformed output, and the new `$context` when it has `export.as`. */
export interface FlowTaskOutput {
  output: unknown;
  context?: unknown;
  /**
   * A connector call wrote, then its output.as / export.as failed: `output` is the call's raw
   * result and this is the expression's error. The interpreter still registers the task's
   * compensation (the write happened), then fails the task.
   */
  outputFailure?: string;
}

export interface CallFlowFunctionRequest extends FlowTaskOutputRules {
  task: string;
  /** A connector function `<kind>.<operation>` of server/flows/connector-functions.ts, or `http` (activities/flow/flow-http-call.ts). */
  function: string;
  /** The task's `with`: `connector` names the instance; the rest are the operation's arguments (templates). */
  arguments: Record<string, unknown>;
  scope: FlowScope;
  /** `<workflowId>:<task path>`: passed to the connector on every write. */
  idempotencyKey: string;
}
