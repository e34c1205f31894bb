/**
 * What is wrong with a flow document, in a form a user can act on: where (a JSON pointer into the
 * document, in the DSL's own task-path form such as `/do/2/chargePayment/try/0/capture/with/amount`),
 * which rule, and a sentence saying what to change.
 */
export const FLOW_ISSUE_RULES = [
  /** The text is not well-formed YAML or JSON, or its root is not a mapping. */
  'syntax',
  /** The document breaks the Serverless Workflow DSL 1.0 JSON Schema. */
  'schema',
  /** Valid DSL, but outside the subset Junction runs (e.g. `run: container`, `emit`, `call: grpc`). */
  'unsupported',
  /** `call: <kind>.<operation>` names no function of the connector catalog. */
  'unknown-function',
  /** `run.workflow` with namespace `junction` names no process of the catalog. */
  'unknown-process',
  /** `with.connector` (or an http endpoint) is missing or names no configured instance of the function's kind. */
  'unknown-connector',
  /** `with` lacks an argument the function needs, or has one it does not take. */
  'function-arguments',
  /** `call: http`: the endpoint is not `connector://http.<name>/<path>`, or the method, a header or the output is not allowed. */
  'http-call',
  /** `call: http` or `use` carries credentials (authentication, credential headers or query parameters). */
  'http-authentication',
  /** A `then` names no task of the same task list. */
  'unknown-then',
  /** `document.metadata.junction.businessKey` is not a runtime expression. */
  'business-key',
  /** `metadata.compensate` is misplaced or names no task that calls a catalog function. */
  'compensate',
  /** `metadata.concurrency` is misplaced or not a positive integer. */
  'concurrency',
  /** A `${…}` runtime expression does not parse, or is not the whole string value. */
  'expression',
  /** Documented limits (flow-limits.ts). */
  'limit-document-size',
  'limit-tasks',
  'limit-nesting-depth',
  'limit-for-concurrency',
] as const;

export type FlowIssueRule = (typeof FLOW_ISSUE_RULES)[number];

export interface FlowIssue {
  /** JSON pointer into the document; `''` is the document itself. */
  path: string;
  rule: FlowIssueRule;
  message: string;
  /** The path of the task the issue is in, when it is in one (a prefix of `path`). */
  task?: string;
  /** Syntax errors: where in the text, 1-based. */
  line?: number;
  column?: number;
}
