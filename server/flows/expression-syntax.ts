import type { FlowIssue } from './flow-issue';
import { BUSINESS_KEY_PATH, declaredBusinessKey, isRuntimeExpression } from './junction-extensions';
import { isJsonObject, pointer, type JsonObject } from './task-tree';

/**
 * Checks the syntax of one runtime expression (the text between `${` and `}`) and says what is
 * wrong, or null when it parses. The jq layer provides it; the definition layer only locates expressions.
 */
export type ExpressionSyntaxChecker = (expression: string) => { message: string; position?: number } | null;

/** Where expressions are not evaluated: user data (metadata) and JSON Schemas. */
const NOT_EXPRESSIONS = new Set(['metadata', 'schema']);

/**
 * Every runtime expression of the document, checked by `check`. In DSL 1.0 an expression is a
 * whole string value `${ … }`; a `${` inside a longer string is not evaluated, which is never what
 * the author meant, so it is an issue too.
 */
export function expressionIssues(document: JsonObject, check: ExpressionSyntaxChecker): FlowIssue[] {
  const issues: FlowIssue[] = [];
  const visit = (value: unknown, path: string): void => {
    if (typeof value === 'string') {
      const issue = stringIssue(value, check);
      if (issue) issues.push({ path, rule: 'expression', message: issue });
    } else if (Array.isArray(value)) {
      value.forEach((item: unknown, index) => visit(item, path + pointer(index)));
    } else if (isJsonObject(value)) {
      for (const [key, child] of Object.entries(value)) {
        if (!NOT_EXPRESSIONS.has(key)) visit(child, path + pointer(key));
      }
    }
  };
  for (const [key, child] of Object.entries(document)) {
    // The document header is data, except Junction's business key.
    if (key !== 'document') visit(child, pointer(key));
  }
  const businessKey = declaredBusinessKey(document);
  if (isRuntimeExpression(businessKey)) visit(businessKey, BUSINESS_KEY_PATH);
  return issues;
}

function stringIssue(value: string, check: ExpressionSyntaxChecker): string | null {
  if (isRuntimeExpression(value)) {
    const body = value.trim().slice(2, -1);
    const error = check(body);
    if (!error) return null;
    const at = error.position === undefined ? '' : ` at position ${error.position}`;
    return `The expression ${value.trim()} does not parse${at}: ${error.message}`;
  }
  if (value.includes('${')) {
    return 'A runtime expression must be the whole value, ${ … }; to build a string, use jq inside it: ${ "Order \\(.id)" }';
  }
  return null;
}
