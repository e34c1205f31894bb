import { JqError, type JqRuntime } from './jq-runtime';

export interface JqSyntaxError {
  message: string;
  /** 1-based offset into the expression of the first character jq could not take (length + 1: it ends early). */
  position?: number;
}

/**
 * Checks that `expression` compiles, with `variables` (names without `$`) bound. jq 1.7 reports
 * only the line of a syntax error, so the offset is found by bisection: a prefix of the
 * expression that ends before the bad character either compiles or ends early ("unexpected end
 * of file"); one that contains it fails on it.
 */
export function checkJqSyntax(jq: JqRuntime, expression: string, variables: readonly string[]): JqSyntaxError | null {
  const message = compileError(jq, expression, variables);
  if (message === null) return null;
  const position = unknownNamePosition(expression, message) ?? syntaxErrorPosition(jq, expression, variables);
  return position === undefined ? { message } : { message, position };
}

function compileError(jq: JqRuntime, expression: string, variables: readonly string[]): string | null {
  // `|` binds loosest, so the whole expression is the right side of `empty |`, which never runs it;
  // no parentheses, which would change jq's messages for an expression that ends early.
  const bindings = variables.map((name) => `null as $${name} | `).join('');
  try {
    jq.run(`${bindings}empty | ${expression}`, null);
    return null;
  } catch (error) {
    if (error instanceof JqError && error.phase === 'compile') return error.message;
    if (error instanceof JqError) return null; // compiled; `empty` never fails at run time
    throw error;
  }
}

/** "foo/1 is not defined", "$x is not defined": the offset of the name's first use. */
function unknownNamePosition(expression: string, message: string): number | undefined {
  const match = /^(\$?[A-Za-z_][\w:]*)(?:\/\d+)? is not defined/.exec(message);
  if (!match?.[1]) return undefined;
  const index = expression.search(new RegExp(`${match[1].replace(/\$/g, '\\$')}\\b`));
  return index < 0 ? undefined : index + 1;
}

function syntaxErrorPosition(jq: JqRuntime, expression: string, variables: readonly string[]): number | undefined {
  const failsOnCharacter = (length: number): boolean => {
    const error = compileError(jq, expression.slice(0, length), variables);
    return error !== null && !error.includes('unexpected end of file');
  };
  if (!failsOnCharacter(expression.length)) return expression.length + 1; // fine as far as it goes, but ends early
  let good = 0;
  let bad = expression.length;
  while (bad - good > 1) {
    const middle = Math.floor((good + bad) / 2);
    if (failsOnCharacter(middle)) bad = middle;
    else good = middle;
  }
  return bad;
}
