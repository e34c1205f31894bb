import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/** One way the input breaks the flow's `input.schema`: where (path segments inside the input) and why. */
export interface InputSchemaError {
  path: (string | number)[];
  message: string;
}

export type InputSchemaCheck = (input: unknown) => InputSchemaError[];

export type InputSchemaCompile = { ok: true; check: InputSchemaCheck } | { ok: false; message: string };

/**
 * Compiles a flow's input JSON Schema (`input.schema.document`) with Ajv, in the draft its
 * `$schema` names (2020-12, 2019-09, else draft-07). A fresh Ajv per schema: two versions of a
 * flow may carry the same `$id`. The standard formats (email, date-time, uri, uuid …) are checked
 * by ajv-formats; one it does not know is ignored, as JSON Schema allows.
 */
export function compileInputSchema(schema: Record<string, unknown>): InputSchemaCompile {
  const options = { allErrors: true, strict: false, logger: false } as const;
  const draft = typeof schema.$schema === 'string' ? schema.$schema : '';
  const ajv = draft.includes('2020-12')
    ? new Ajv2020(options)
    : draft.includes('2019-09')
      ? new Ajv2019(options)
      : new Ajv(options);
  addFormats(ajv);
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  return {
    ok: true,
    check: (input) => (validate(input) ? [] : (validate.errors ?? []).map(errorOf)),
  };
}

function errorOf(error: ErrorObject): InputSchemaError {
  const path: (string | number)[] = error.instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
  const params = error.params as Record<string, unknown>;
  // Name the missing or unexpected property itself, as the API's other field errors do.
  if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
    return { path: [...path, params.missingProperty], message: 'is required' };
  }
  if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    return { path: [...path, params.additionalProperty], message: 'is not allowed here' };
  }
  return { path, message: error.message ?? `breaks the ${error.keyword} rule` };
}
