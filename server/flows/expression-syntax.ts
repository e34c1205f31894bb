import { expressionBody, isRuntimeExpression } from '../../workflows/flow/runtime-expressions';
import type { FlowIssue } from './flow-issue';
import { BUSINESS_KEY_PATH, declaredBusinessKey } from './junction-extensions';
import { isJsonObject, pointer, type JsonObject } from './task-tree';

/**
 * Checks the syntax of one runtime expression (the text between `${` and `}`) with `variables`
 * (names without `$`) bound, and says what is wrong, or null when it parses. The jq layer provides
 * it; the definition layer only locates expressions and knows which variables each one sees.
 */
export type ExpressionSyntaxChecker = (
  expression: string,
  variables: readonly string[],
) => { message: string; position?: number } | null;

/** What every expression sees (DSL 1.0 "runtime expression arguments"; `$secrets` is not offered: flows hold no secrets). */
export const FLOW_VARIABLES = ['context', 'input', 'output', 'workflow', 'task', 'runtime'] as const;

/** Where expressions are not evaluated: user data (metadata) and JSON Schemas. */
const NOT_EXPRESSIONS = new Set(['metadata', 'schema']);

/**
 * Every runtime expression of the document, checked by `check`. In DSL 1.0 an expression is a
 * whole string value `${ … }`; a `${` inside a longer string is not evaluated, which is never what
 * the author meant, so it is an issue too.
 */
export function expressionIssues(document: JsonObject, check: ExpressionSyntaxChecker): FlowIssue[] {
  const issues: FlowIssue[] = [];
  const visit = (value: unknown, path: string, variables: readonly string[]): void => {
    if (typeof value === 'string') {
      const issue = stringIssue(value, variables, check);
      if (issue) issues.push({ path, rule: 'expression', message: issue });
    } else if (Array.isArray(value)) {
      value.forEach((item: unknown, index) => visit(item, path + pointer(index), variables));
    } else if (isJsonObject(value)) {
      for (const [key, child] of Object.entries(value)) {
        if (!NOT_EXPRESSIONS.has(key)) visit(child, path + pointer(key), [...variables, ...boundBy(value, key)]);
      }
    }
  };
  for (const [key, child] of Object.entries(document)) {
    // The document header is data, except Junction's business key.
    if (key !== 'document') visit(child, pointer(key), FLOW_VARIABLES);
  }
  const businessKey = declaredBusinessKey(document);
  if (isRuntimeExpression(businessKey)) visit(businessKey, BUSINESS_KEY_PATH, FLOW_VARIABLES);
  return issues;
}

/** Variables a task binds for part of itself: a `for` loop's item and index in its body, a `catch`'s error. */
function boundBy(task: JsonObject, key: string): string[] {
  if (isJsonObject(task.for) && (key === 'do' || key === 'while')) {
    const each = typeof task.for.each === 'string' ? task.for.each : 'item';
    const at = typeof task.for.at === 'string' ? task.for.at : 'index';
    return [each, at];
  }
  if ('try' in task && key === 'catch' && isJsonObject(task.catch)) {
    return [typeof task.catch.as === 'string' ? task.catch.as : 'error'];
  }
  return [];
}

function stringIssue(value: unknown, variables: readonly string[], check: ExpressionSyntaxChecker): string | null {
  if (isRuntimeExpression(value)) {
    const body = expressionBody(value);
    const error = check(body, variables);
    if (!error) return null;
    const at = error.position === undefined ? '' : ` at position ${error.position}`;
    return `The expression ${value.trim()} does not parse${at}: ${error.message}`;
  }
  if (typeof value === 'string' && value.includes('${')) {
    return 'A runtime expression must be the whole value, ${ … }; to build a string, use jq inside it: ${ "Order \\(.id)" }';
  }
  return null;
}
