import type { Specification } from '@serverlessworkflow/sdk';
import { connectorCallIssues, type ConnectorInstancesByKind } from './connector-calls';
import { expressionIssues, type ExpressionSyntaxChecker } from './expression-syntax';
import type { FlowIssue } from './flow-issue';
import { flowAuthenticationIssues, httpCallIssues } from './http-calls';
import { extensionIssues } from './junction-extensions';
import { documentSizeIssues, taskLimitIssues } from './limit-issues';
import { schemaIssues } from './schema-issues';
import { unsupportedIssues } from './supported-subset';
import { enclosingTask, flowTasks, type JsonObject } from './task-tree';
import { runWorkflowIssues } from './run-workflow-calls';
import { thenTargetIssues } from './then-targets';

export interface FlowValidationContext {
  /** Connector instances a flow may name in `with.connector`, and (kind http) in a `call: http` endpoint. */
  connectorInstances: ConnectorInstancesByKind;
  /** The jq layer's syntax check for `${ … }` expressions. */
  checkExpression: ExpressionSyntaxChecker;
}

/** A document that passed every check: a DSL 1.0 workflow within Junction's subset and limits. */
export type ValidatedFlow = Specification.Workflow;

export type FlowValidation = { ok: true; flow: ValidatedFlow } | { ok: false; issues: FlowIssue[] };

/**
 * Validates a parsed flow document. The size limit comes first (nothing else should spend time on
 * an oversized document), then the DSL schema; the remaining checks assume a schema-valid document,
 * so they run only after it passes, and report together.
 */
export function validateFlow(document: JsonObject, context: FlowValidationContext): FlowValidation {
  const tooLarge = documentSizeIssues(document);
  if (tooLarge.length > 0) return { ok: false, issues: tooLarge };
  const tasks = flowTasks(document);
  const schema = schemaIssues(document).map((issue) => {
    const task = enclosingTask(tasks, issue.path)?.path;
    return task === undefined ? issue : { ...issue, task };
  });
  if (schema.length > 0) return { ok: false, issues: schema };
  const issues = [
    ...unsupportedIssues(document, tasks),
    ...connectorCallIssues(tasks, context.connectorInstances),
    ...httpCallIssues(tasks, context.connectorInstances),
    ...flowAuthenticationIssues(document),
    ...runWorkflowIssues(tasks),
    ...thenTargetIssues(tasks),
    ...extensionIssues(document, tasks),
    ...expressionIssues(document, context.checkExpression),
    ...taskLimitIssues(tasks),
  ];
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, flow: document as ValidatedFlow };
}
