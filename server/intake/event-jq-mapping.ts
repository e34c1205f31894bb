/**
 * jq mappings of event-sources.yaml: where the file takes a path into the event (eventId.path,
 * businessKey, input, argument), it also takes a jq expression `${ … }` — for input and argument
 * also an object whose values may be expressions, the same templates as flows — evaluated over
 * the whole signed event. This is what lets a vendor's own payload (a Shopify order) become a
 * process input without a translating service in between.
 *
 * The expressions see the signed body only (`.`), no variables: headers are not signed by any
 * scheme here, so a value read from them could be changed by anyone holding a captured event.
 * They are compiled when the file is loaded (a broken one fails the start, naming the source,
 * the field and the position); one that fails on an event is a 400 with jq's message, raised
 * before anything is stored, so such an event is never accepted.
 */
import { AppError } from '../errors/app-error';
import { evaluateTemplate, FlowExpressionError } from '../flows/jq/evaluate-templates';
import type { JqRuntime } from '../flows/jq/jq-runtime';
import { checkJqSyntax } from '../flows/jq/jq-syntax';
import { expressionBody, isRuntimeExpression } from '../../workflows/flow/runtime-expressions';
import type { ConfiguredPath } from './event-source';

/** An entry that is a jq mapping rather than a path: an expression, or an object (template). */
export function isJqMapping(value: unknown): boolean {
  return isRuntimeExpression(value) || (typeof value === 'object' && value !== null);
}

/** Where each string of a template sits below `at`, e.g. `….input.customer.email`. */
function templateStrings(template: unknown, at: string): { at: string; text: string }[] {
  if (typeof template === 'string') return [{ at, text: template }];
  if (Array.isArray(template)) return template.flatMap((item, index) => templateStrings(item, `${at}[${index}]`));
  if (typeof template === 'object' && template !== null)
    return Object.entries(template).flatMap(([key, value]) => templateStrings(value, `${at}.${key}`));
  return [];
}

/** Syntax problems of every expression of the template, each naming where it is and jq's position. */
function syntaxProblems(jq: JqRuntime, template: unknown, at: string): string[] {
  return templateStrings(template, at).flatMap(({ at: where, text }) => {
    const mentionsExpression = text.includes('${');
    if (!isRuntimeExpression(text)) {
      return mentionsExpression
        ? [
            `${where}: a jq expression must be the whole value, \${ … }; to build a string, use jq inside it: \${ "Order \\(.id)" }`,
          ]
        : [];
    }
    const error = checkJqSyntax(jq, expressionBody(text), []);
    if (!error) return [];
    const position = error.position === undefined ? '' : ` at position ${error.position}`;
    return [`${where}: the jq expression ${text.trim()} does not parse${position}: ${error.message}`];
  });
}

/** `${ … }` as written, or the template as JSON, shortened for messages. */
function describe(template: unknown): string {
  const text = typeof template === 'string' ? template.trim() : JSON.stringify(template);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/**
 * The configured value of a jq mapping: checks its syntax (problems name `at`) and binds its
 * evaluation to `jq`. `what` names the value in a refusal, e.g. "the orderToCash input".
 */
export function jqMappingOf(
  template: unknown,
  at: string,
  jq: JqRuntime | undefined,
  problems: string[],
  what: string,
): ConfiguredPath {
  const text = describe(template);
  if (!jq) {
    // A caller's mistake, not the file's: loadEventSources always provides jq.
    problems.push(`${at}: a jq mapping needs the jq runtime, which this loader was not given`);
    return { text, segments: [] };
  }
  const found = syntaxProblems(jq, template, at);
  problems.push(...found);
  if (found.length > 0) return { text, segments: [] };
  return {
    text,
    segments: [],
    evaluate(event) {
      try {
        return evaluateTemplate(jq, template, { input: event, variables: {} });
      } catch (error) {
        if (!(error instanceof FlowExpressionError)) throw error;
        throw new AppError({
          code: 'event-mapping-failed',
          status: 400,
          title: 'Invalid request',
          detail: `The source's jq mapping of ${what} failed on this event: ${error.reason}`,
          errors: [{ field: '(event)', message: `${error.expression.trim()} failed: ${error.reason}` }],
        });
      }
    },
  };
}
