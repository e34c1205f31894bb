/**
 * config/connectors.yaml: connector instances, plugins and per-step defaults.
 *
 *   plugins: ['@acme/junction-connector-foo', './plugins/bar']   # packages or paths (relative to the file)
 *   egress: { allow: ['sap.corp.example', '10.20.0.0/16'] }       # destinations beside public ones (connectors/egress)
 *   defaults: { crm: crm.main, erp: erp.eu }                     # instances a process step uses by default
 *   instances:
 *     crm.main:
 *       kind: crm
 *       vendor: hubspot
 *       settings: { baseUrl: https://api.hubapi.com }
 *       credentials: { accessToken: '${HUBSPOT_TOKEN}' }       # only ${ENV_VAR} references
 *
 * Credentials may only be `${ENV_VAR}` references, resolved when the file is loaded; a literal
 * value fails the load, so a secret never lands in a file that is committed. Settings may use
 * references too (`$${` is a literal `${`), but not a URL with a literal password.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { ConnectorKind } from '../spi';
import type { Credentials } from '../vault';
import { parseAllowEntry } from '../egress/allow-list';
import { CONNECTOR_KINDS, instanceNameSchema, kindOfInstanceName, vendorIdSchema } from './instance-name';
import { issuePath, urlPasswordIssues } from './instance-validation';

export type EnvSource = Readonly<Record<string, string | undefined>>;

export interface FileInstance {
  kind: ConnectorKind;
  vendor: string;
  settings: Record<string, unknown>;
  /** Resolved from the environment; undefined when the instance lists none. */
  credentials: Credentials | undefined;
  enabled: boolean;
}

export interface ConnectorsFile {
  /** Where it was read from, for messages. */
  source: string;
  plugins: string[];
  /**
   * `egress.allow`: destinations connectors may reach although private or not a vendor's known
   * host, added to CONNECTOR_EGRESS_ALLOW (connectors/egress/allow-list.ts has the syntax).
   */
  egressAllow: string[];
  /** Instance per connector kind for process steps that name none (see step-defaults.ts). */
  defaults: Partial<Record<ConnectorKind, string>>;
  instances: Record<string, FileInstance>;
}

/** The file is invalid; the message names the file and every bad field, never a value. */
export class ConnectorsFileError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid connector configuration in ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConnectorsFileError';
  }
}

const ENV_REFERENCE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;
const REFERENCE_OR_ESCAPE = /\$(\$)?\{([^}]*)\}/g;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LITERAL_CREDENTIAL = 'must be an ${ENV_VAR} reference: literal secrets are not allowed in this file';

const instanceSchema = z.strictObject({
  kind: z.enum(CONNECTOR_KINDS),
  vendor: vendorIdSchema,
  settings: z.record(z.string(), z.unknown()).default({}),
  credentials: z.record(z.string(), z.string().regex(ENV_REFERENCE, LITERAL_CREDENTIAL)).optional(),
  enabled: z.boolean().default(true),
});

/** Each entry's syntax is checked here, so a bad one fails the load naming it. */
const allowEntry = z.string().superRefine((entry, ctx) => {
  const parsed = parseAllowEntry(entry);
  if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
});

const fileSchema = z.strictObject({
  plugins: z.array(z.string().min(1)).default([]),
  egress: z.strictObject({ allow: z.array(allowEntry).default([]) }).default({ allow: [] }),
  defaults: z
    .strictObject(
      Object.fromEntries(CONNECTOR_KINDS.map((kind) => [kind, instanceNameSchema.optional()])) as Record<
        ConnectorKind,
        z.ZodOptional<typeof instanceNameSchema>
      >,
    )
    .default({}),
  instances: z.record(instanceNameSchema, instanceSchema).default({}),
});

function lineOf(text: string, offset: unknown): string {
  return typeof offset === 'number' ? ` (line ${text.slice(0, offset).split('\n').length})` : '';
}

/** Replaces `${VAR}` in every string of the settings; collects problems for unset or malformed references. */
function interpolate(value: unknown, path: string, env: EnvSource, problems: string[]): unknown {
  if (typeof value === 'string') {
    return value.replace(REFERENCE_OR_ESCAPE, (match, escaped: string | undefined, name: string) => {
      if (escaped) return match.slice(1);
      if (!ENV_NAME.test(name)) {
        problems.push(`${path}: "\${${name}}" is not a valid environment variable reference`);
        return match;
      }
      const resolved = env[name];
      if (resolved === undefined || resolved === '') problems.push(`${path}: environment variable ${name} is not set`);
      return resolved ?? '';
    });
  }
  if (Array.isArray(value)) return value.map((item, index) => interpolate(item, `${path}[${index}]`, env, problems));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolate(item, `${path}.${key}`, env, problems)]),
    );
  }
  return value;
}

/** Parses and validates the file's text and resolves its environment references. */
export function parseConnectorsFile(text: string, env: EnvSource, source = 'connectors.yaml'): ConnectorsFile {
  let raw: unknown;
  try {
    // prettyErrors off: the excerpt it adds could quote a line holding a secret.
    raw = parseYaml(text, { prettyErrors: false }) ?? {};
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ConnectorsFileError(source, [
      `not valid YAML${lineOf(text, (error as { pos?: unknown[] }).pos?.[0])}: ${detail}`,
    ]);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.flatMap((issue) => {
      const path = issue.path.map((segment) => (typeof segment === 'number' ? segment : String(segment)));
      const at = issuePath(path) || '(file)';
      if (issue.code === 'unrecognized_keys')
        return issue.keys.map((key) => `${issuePath([...path, key])}: is not allowed here`);
      // A number or a boolean under credentials is a literal as much as a string is.
      if (issue.path[2] === 'credentials' && issue.path.length === 4) return [`${at}: ${LITERAL_CREDENTIAL}`];
      // A bad instance name: say what a name must look like, not just "invalid key".
      if (issue.code === 'invalid_key') return [`${at}: ${issue.issues[0]?.message ?? issue.message}`];
      return [`${at}: ${issue.message}`];
    });
    throw new ConnectorsFileError(source, problems);
  }

  const problems: string[] = [];
  const instances: Record<string, FileInstance> = {};
  for (const [name, instance] of Object.entries(parsed.data.instances)) {
    const at = `instances.${name}`;
    if (kindOfInstanceName(name) !== instance.kind)
      problems.push(`${at}.kind: must match the name's prefix (${kindOfInstanceName(name)})`);
    // A password in a literal URL is a secret in the file; one that comes from a reference is not.
    for (const issue of urlPasswordIssues(literalParts(instance.settings)))
      problems.push(`${at}.${issuePath(issue.path)}: ${issue.message} or an \${ENV_VAR} reference`);
    const settings = interpolate(instance.settings, `${at}.settings`, env, problems) as Record<string, unknown>;
    let credentials: Credentials | undefined;
    if (instance.credentials) {
      credentials = {};
      for (const [field, reference] of Object.entries(instance.credentials)) {
        const variable = ENV_REFERENCE.exec(reference)![1]!;
        const value = env[variable];
        if (value === undefined || value === '')
          problems.push(`${at}.credentials.${field}: environment variable ${variable} is not set`);
        else credentials[field] = value;
      }
    }
    instances[name] = {
      kind: instance.kind,
      vendor: instance.vendor,
      settings,
      credentials,
      enabled: instance.enabled,
    };
  }
  for (const [kind, name] of Object.entries(parsed.data.defaults)) {
    if (name !== undefined && kindOfInstanceName(name) !== kind)
      problems.push(`defaults.${kind}: "${name}" is not a ${kind} instance`);
  }
  if (problems.length) throw new ConnectorsFileError(source, problems);
  return {
    source,
    plugins: parsed.data.plugins,
    egressAllow: parsed.data.egress.allow,
    defaults: parsed.data.defaults,
    instances,
  };
}

/** The settings with every string that holds a reference blanked: only literal text is checked for passwords. */
function literalParts(value: unknown): unknown {
  if (typeof value === 'string') return value.includes('${') ? '' : value;
  if (Array.isArray(value)) return value.map(literalParts);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, literalParts(item)]));
  return value;
}

/** Reads the file; null when it does not exist and `required` is false. */
export async function readConnectorsFile(
  path: string,
  env: EnvSource,
  options: { required: boolean },
): Promise<ConnectorsFile | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !options.required) return null;
    throw new ConnectorsFileError(path, [`cannot be read: ${(error as Error).message}`]);
  }
  return parseConnectorsFile(text, env, path);
}
