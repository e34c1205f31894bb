import type { ExpressionSyntaxChecker } from '../expression-syntax';
import { loadJq } from './jq-runtime';
import { checkJqSyntax } from './jq-syntax';

/** The validator's expression check, backed by real jq (loaded once per process). */
export async function jqExpressionChecker(): Promise<ExpressionSyntaxChecker> {
  const jq = await loadJq();
  return (expression, variables) => checkJqSyntax(jq, expression, variables);
}
