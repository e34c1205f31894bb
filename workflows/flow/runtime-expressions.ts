/**
 * DSL 1.0 runtime expressions inside flow values ("templates"): a string that is wholly `${ … }` is
 * a jq expression; every other value is literal. Pure code, shared by the interpreter (which skips
 * evaluation for literal values) and the jq layer outside the sandbox.
 */

const EXPRESSION = /^\s*\$\{([\s\S]*)\}\s*$/;

export function isRuntimeExpression(value: unknown): value is string {
  return typeof value === 'string' && EXPRESSION.test(value);
}

/** The jq text of `${ … }`, trimmed. */
export function expressionBody(expression: string): string {
  return (EXPRESSION.exec(expression)?.[1] ?? '').trim();
}

/** Every runtime expression in a template, objects and arrays included, in document order. */
export function templateExpressions(template: unknown): string[] {
  const found: string[] = [];
  const visit = (value: unknown): void => {
    if (isRuntimeExpression(value)) found.push(value);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(visit);
  };
  visit(template);
  return found;
}

/** The template with each expression replaced by `resolve(expression)`. */
export function fillTemplate(template: unknown, resolve: (expression: string) => unknown): unknown {
  if (isRuntimeExpression(template)) return resolve(template);
  if (Array.isArray(template)) return template.map((item) => fillTemplate(item, resolve));
  if (typeof template === 'object' && template !== null) {
    return Object.fromEntries(Object.entries(template).map(([key, value]) => [key, fillTemplate(value, resolve)]));
  }
  return template;
}
