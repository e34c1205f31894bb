import { declaredBusinessKey } from '../junction-extensions';
import { evaluateTemplate, FlowExpressionError } from '../jq/evaluate-templates';
import type { JqRuntime } from '../jq/jq-runtime';
import type { JsonObject } from '../task-tree';

export type BusinessKeyResult = { ok: true; key: string | null } | { ok: false; message: string };

/**
 * The run's business key: `document.metadata.junction.businessKey` evaluated with jq over the
 * input (scope {input, variables: {}}). It must give a non-empty string (a number counts, as its
 * text); a flow that declares none gives null (the run gets a generated id).
 */
export function flowBusinessKey(jq: JqRuntime, document: JsonObject, input: unknown): BusinessKeyResult {
  const expression = declaredBusinessKey(document);
  if (expression === undefined) return { ok: true, key: null };
  let value: unknown;
  try {
    value = evaluateTemplate(jq, expression, { input, variables: {} });
  } catch (error) {
    if (error instanceof FlowExpressionError) return { ok: false, message: error.message };
    throw error;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return { ok: true, key: String(value) };
  if (typeof value === 'string' && value.trim().length > 0) return { ok: true, key: value };
  return {
    ok: false,
    message: `the flow's business key ${String(expression).trim()} gives ${JSON.stringify(value)}; it must give a non-empty string or a number`,
  };
}
