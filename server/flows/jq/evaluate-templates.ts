import { expressionBody, fillTemplate, templateExpressions } from '../../../workflows/flow/runtime-expressions';
import { JqError, type JqRuntime } from './jq-runtime';

/** A runtime expression that failed on its data: the expression as written and jq's reason. */
export class FlowExpressionError extends Error {
  constructor(
    readonly expression: string,
    readonly reason: string,
  ) {
    super(`The expression ${expression.trim()} failed: ${reason}`);
    this.name = 'FlowExpressionError';
  }
}

/** What `.` and the `$` variables are while one step's expressions run. */
export interface ExpressionScope {
  input: unknown;
  /** By name without `$`: context, input, output, workflow, task, runtime, and loop or error variables. */
  variables: Readonly<Record<string, unknown>>;
}

type Outcome = { v: unknown[] } | { e: unknown };

/**
 * Evaluates every expression of `templates` over one scope in a single jq run (jq compiles a
 * program in ~2 ms whatever its size, so one step's expressions cost one compile) and returns the
 * templates with each expression replaced by its value. An expression yields one value: none
 * gives null, several are an error (collect them with `[ … ]`).
 */
export function evaluateTemplates(jq: JqRuntime, templates: readonly unknown[], scope: ExpressionScope): unknown[] {
  const expressions = [...new Set(templates.flatMap(templateExpressions))];
  if (expressions.length === 0) return [...templates];
  const values = new Map<string, unknown>();
  const outcomes = runBatch(jq, expressions, scope);
  expressions.forEach((expression, index) => values.set(expression, valueOf(expression, outcomes[index])));
  return templates.map((template) => fillTemplate(template, (expression) => values.get(expression)));
}

export function evaluateTemplate(jq: JqRuntime, template: unknown, scope: ExpressionScope): unknown {
  return evaluateTemplates(jq, [template], scope)[0];
}

function runBatch(jq: JqRuntime, expressions: readonly string[], scope: ExpressionScope): Outcome[] {
  // Newlines end a `#` comment in an expression; try/catch keeps one failure from hiding the others' values.
  const program = `[${expressions.map((e) => `(try ([\n${expressionBody(e)}\n] | {v: .}) catch {e: .})`).join(',\n')}]`;
  try {
    const [outcomes] = jq.run(program, scope.input, scope.variables);
    return outcomes as Outcome[];
  } catch (error) {
    if (!(error instanceof JqError)) throw error;
    // Validation compiled each expression at publish time; find the one that fails now (e.g. an unbound variable).
    for (const expression of expressions) {
      try {
        jq.run(expressionBody(expression), scope.input, scope.variables);
      } catch (failure) {
        if (failure instanceof JqError) throw new FlowExpressionError(expression, failure.message);
        throw failure;
      }
    }
    throw new FlowExpressionError(expressions.join(' '), error.message);
  }
}

function valueOf(expression: string, outcome: Outcome | undefined): unknown {
  if (!outcome) throw new FlowExpressionError(expression, 'jq returned no result');
  if ('e' in outcome) {
    const reason = typeof outcome.e === 'string' ? outcome.e : `${JSON.stringify(outcome.e)} (not a string)`;
    throw new FlowExpressionError(expression, reason);
  }
  if (outcome.v.length > 1) {
    throw new FlowExpressionError(expression, `it yields ${outcome.v.length} values; collect them with [ … ]`);
  }
  return outcome.v[0] ?? null;
}
