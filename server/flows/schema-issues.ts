import { validate } from '@serverlessworkflow/sdk';
import type { FlowIssue } from './flow-issue';
import { isJsonObject, kindOf, TASK_KINDS, type JsonObject } from './task-tree';

/** The DSL version the installed SDK's schema describes (its package.json `schemaVersion`). */
export const DSL_VERSION = '1.0.0';

/** One ajv error, as the SDK's `validate` reports it in its message. */
interface SchemaError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  message: string;
  params: Record<string, unknown>;
}

/**
 * Checks the document against the DSL 1.0 JSON Schema through the SDK's `validate`, and turns its
 * ajv errors into issues at the deepest path that is wrong. The schema describes a task as "one of"
 * twelve task kinds (and `call` as one of five), so ajv reports every branch that failed; the
 * branches of other kinds than the task's own are noise, and are dropped here.
 */
export function schemaIssues(document: JsonObject): FlowIssue[] {
  const header = isJsonObject(document.document) ? document.document : undefined;
  // The SDK checks the version in a hook that throws before the schema runs; say it plainly instead.
  if (header && header.dsl !== DSL_VERSION) {
    return [
      {
        path: '/document/dsl',
        rule: 'schema',
        message: `dsl must be '${DSL_VERSION}', the DSL version Junction runs (found ${JSON.stringify(header.dsl)})`,
      },
    ];
  }
  try {
    validate('Workflow', document);
    return [];
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    const errors = parseSdkErrors(text);
    if (errors.length === 0) return [{ path: '', rule: 'schema', message: text.split('\n\ndata:')[0] ?? text }];
    return issuesFrom(errors, document);
  }
}

// The SDK writes `- ${instancePath} | ${schemaPath} | ${message} | ${JSON.stringify(params)}` per error.
const ERROR_LINE = /^- (.*?) \| (#\S*) \| (.*) \| (\{.*\})$/;

function parseSdkErrors(text: string): SchemaError[] {
  const errors: SchemaError[] = [];
  for (const line of (text.split('\n\ndata:')[0] ?? '').split('\n')) {
    const match = ERROR_LINE.exec(line);
    if (!match) continue;
    const [, instancePath = '', schemaPath = '', message = '', params = '{}'] = match;
    errors.push({
      instancePath,
      schemaPath,
      keyword: schemaPath.split('/').pop() ?? '',
      message,
      params: JSON.parse(params) as Record<string, unknown>,
    });
  }
  return errors;
}

function valueAt(document: JsonObject, path: string): unknown {
  let value: unknown = document;
  for (const raw of path.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(value)) value = value[Number(segment)];
    else if (isJsonObject(value)) value = value[segment];
    else return undefined;
  }
  return value;
}

const isTaskKindKey = (value: unknown): boolean => (TASK_KINDS as readonly unknown[]).includes(value);
const isSummary = (error: SchemaError): boolean => error.keyword === 'oneOf' || error.keyword === 'anyOf';

/** An error from a branch of the task (or `call`) union that is not the task's own kind. */
function isOtherBranch(error: SchemaError, document: JsonObject): boolean {
  if (error.keyword === 'required' && isTaskKindKey(error.params.missingProperty)) {
    const target = valueAt(document, error.instancePath);
    const kind = isJsonObject(target) ? kindOf(target) : null;
    // A `for` task needs a `do`: that `required` is its own branch speaking.
    return kind !== null && !(kind === 'for' && error.params.missingProperty === 'do');
  }
  // `call: http` fails the const of the asyncapi, grpc and openapi branches and the function branch's `not`.
  return error.instancePath.endsWith('/call') && (error.keyword === 'const' || error.keyword === 'not');
}

const isUnder = (path: string, parent: string): boolean => path.startsWith(parent + '/');

function issuesFrom(all: SchemaError[], document: JsonObject): FlowIssue[] {
  const issues: FlowIssue[] = [];
  // A task with no kind key fails every branch's `required`: one issue says what it lacks.
  const kindless = new Set(
    all
      .filter((error) => error.keyword === 'required' && isTaskKindKey(error.params.missingProperty))
      .map((error) => error.instancePath)
      .filter((path) => {
        const target = valueAt(document, path);
        return isJsonObject(target) && kindOf(target) === null;
      }),
  );
  for (const path of kindless) {
    issues.push({
      path,
      rule: 'schema',
      message: `${describe(path)} is not a task: it needs one of ${TASK_KINDS.join(', ')}`,
    });
  }
  let errors = all.filter(
    (error) =>
      !isOtherBranch(error, document) &&
      !(kindless.has(error.instancePath) && error.keyword === 'required') &&
      ![...kindless].some((path) => isUnder(error.instancePath, path) || error.instancePath === path),
  );
  const specific = errors.filter((error) => !isSummary(error));
  if (specific.length > 0) errors = specific;
  // Keep the deepest: an error at `/do/0/a` because `/do/0/a/with` is wrong says less than the latter.
  errors = errors.filter((error) => !errors.some((other) => isUnder(other.instancePath, error.instancePath)));
  const byPath = new Map<string, SchemaError[]>();
  for (const error of errors) byPath.set(error.instancePath, [...(byPath.get(error.instancePath) ?? []), error]);
  for (const [path, atPath] of byPath) {
    const messages = [...new Set(atPath.map(readable))];
    const alternatives = atPath.some((error) => /\/(oneOf|anyOf)\/\d+\//.test(error.schemaPath));
    const message = friendlyForm(atPath) ?? messages.join(alternatives && messages.length > 1 ? '; or ' : '; ');
    issues.push({ path, rule: 'schema', message: `${describe(path)} ${message}` });
  }
  return issues;
}

function describe(path: string): string {
  if (path === '') return 'The document';
  const segment = (path.split('/').pop() ?? '').replace(/~1/g, '/').replace(/~0/g, '~');
  return `'${segment}' (${path})`;
}

/** A sentence for schema definitions whose raw errors (a long regular expression) help nobody. */
function friendlyForm(errors: SchemaError[]): string | undefined {
  if (errors.some((error) => error.schemaPath.includes('/$defs/duration/'))) {
    return "must be an ISO 8601 duration such as 'PT30S', or an object such as { seconds: 30 }";
  }
  return undefined;
}

function readable(error: SchemaError): string {
  const { params } = error;
  switch (error.keyword) {
    case 'required':
      return `needs '${String(params.missingProperty)}'`;
    case 'unevaluatedProperties':
      return `has '${String(params.unevaluatedProperty)}', which the DSL does not allow here`;
    case 'additionalProperties':
      return `has '${String(params.additionalProperty)}', which the DSL does not allow here`;
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)}`;
    default:
      return error.message;
  }
}
