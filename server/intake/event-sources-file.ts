/**
 * config/event-sources.yaml (EVENT_SOURCES_FILE): the webhook sources of POST /v1/events/:source.
 *
 *   sources:
 *     shopify-orders:
 *       signature: { scheme: hmac-sha256, header: X-Shopify-Hmac-Sha256, secret: '${SHOPIFY_WEBHOOK_SECRET}' }
 *       eventId: { header: X-Shopify-Webhook-Id }
 *       process: { type: orderToCash, mode: start, businessKey: orderId }
 *
 * Secrets may only be `${ENV_VAR}` references, resolved when the file is loaded (as in
 * connectors.yaml), so a secret never lands in a committed file. Every mapping is checked
 * against the process catalog at start-up: an unknown type or an undeclared signal fails the
 * start with a message naming the field, not the first event.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../../config';
import type { ProcessDefinition } from '../../workflows/catalog';
import { parseEventPath } from './event-path';
import type { ConfiguredPath, EventMapping, EventSource } from './event-source';
import { bodyLimitBytes, eventSourcesFileSchema, referencedVariable, type EventSourceEntry, type ProcessMappingEntry } from './event-sources.schema';
import { hmacSignatureVerifier } from './signature/hmac-signature';
import { sharedSecretVerifier } from './signature/shared-secret';
import type { SignatureVerifier } from './signature/signature-verifier';
import { stripeSignatureVerifier } from './signature/stripe-signature';

export type EnvSource = Readonly<Record<string, string | undefined>>;

/** config/event-sources.yaml of this checkout; optional. */
export const DEFAULT_EVENT_SOURCES_FILE = resolve(__dirname, '../../config/event-sources.yaml');

const WORKFLOW_ID_PLACEHOLDER = '{businessKey}';

function issuePath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

function problemsOf(error: z.ZodError): string[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => `${issuePath([...issue.path, key])}: is not allowed here`);
    if (issue.code === 'invalid_key') return [`${issuePath(issue.path)}: ${issue.issues[0]?.message ?? issue.message}`];
    return [`${issuePath(issue.path) || '(file)'}: ${issue.message}`];
  });
}

function configuredPath(text: string, at: string, problems: string[]): ConfiguredPath {
  try {
    return { text, segments: parseEventPath(text) };
  } catch (error) {
    problems.push(`${at}: ${(error as Error).message}`);
    return { text, segments: [] };
  }
}

function resolveSecrets(references: string | readonly string[], at: string, env: EnvSource, problems: string[]): string[] {
  const list = typeof references === 'string' ? [references] : references;
  return list.flatMap((reference) => {
    const variable = referencedVariable(reference);
    const value = env[variable];
    if (value === undefined || value === '') {
      problems.push(`${at}: environment variable ${variable} is not set`);
      return [];
    }
    return [value];
  });
}

function verifierOf(entry: EventSourceEntry['signature'], secrets: string[]): SignatureVerifier {
  switch (entry.scheme) {
    case 'hmac-sha256':
      return hmacSignatureVerifier({ header: entry.header, encoding: entry.encoding, prefix: entry.prefix, secrets });
    case 'stripe':
      return stripeSignatureVerifier({ header: entry.header, toleranceSeconds: entry.toleranceSeconds, secrets });
    case 'shared-secret':
      return sharedSecretVerifier({ header: entry.header, prefix: entry.prefix, secrets });
  }
}

/** Checks a mapping against the catalog: the process exists and declares the signal or update, and each mode has what it needs. */
function mappingOf(entry: ProcessMappingEntry, at: string, catalog: readonly ProcessDefinition[], problems: string[]): EventMapping | null {
  const process = catalog.find((candidate) => candidate.type === entry.type);
  if (!process) {
    problems.push(`${at}.type: no workflow type "${entry.type}" in the catalog (known: ${catalog.map((p) => p.type).join(', ')})`);
    return null;
  }
  const starts = entry.mode === 'start' || entry.mode === 'signalWithStart';
  const messageKind = entry.mode === 'update' ? 'update' : entry.mode === 'start' ? null : 'signal';
  const misplaced = (field: keyof ProcessMappingEntry, why: string) => {
    if (entry[field] !== undefined) problems.push(`${at}.${field}: ${why}`);
  };
  if (!starts) misplaced('input', `mode ${entry.mode} starts no run, so it takes no input`);
  if (messageKind !== 'signal') misplaced('signal', `mode ${entry.mode} sends no signal`);
  if (messageKind !== 'update') misplaced('update', `mode ${entry.mode} sends no update`);
  if (messageKind === null) misplaced('argument', 'mode start sends no signal or update');
  if (starts) misplaced('workflowId', `mode ${entry.mode} takes the workflow id from the process (its business key in the input)`);

  let message: EventMapping['message'] = null;
  if (messageKind) {
    const name = messageKind === 'signal' ? entry.signal : entry.update;
    const declared = messageKind === 'signal' ? process.signals : process.updates;
    const definition = declared.find((candidate) => candidate.name === name);
    if (name === undefined) problems.push(`${at}.${messageKind}: mode ${entry.mode} needs the ${messageKind} to send`);
    else if (!definition) {
      problems.push(`${at}.${messageKind}: "${process.type}" declares no ${messageKind} "${name}" (declared: ${declared.map((m) => m.name).join(', ') || 'none'})`);
    } else message = { kind: messageKind, definition, argument: configuredPath(entry.argument ?? '$', `${at}.argument`, problems) };
  }
  let workflowIdTemplate: string | null = null;
  if (!starts) {
    if (entry.workflowId === undefined || !entry.workflowId.includes(WORKFLOW_ID_PLACEHOLDER)) {
      problems.push(`${at}.workflowId: mode ${entry.mode} needs the workflow id of the run to reach, with ${WORKFLOW_ID_PLACEHOLDER} (e.g. purchase-${WORKFLOW_ID_PLACEHOLDER})`);
    } else workflowIdTemplate = entry.workflowId;
  }
  return {
    process,
    mode: entry.mode,
    businessKey: configuredPath(entry.businessKey, `${at}.businessKey`, problems),
    input: starts ? configuredPath(entry.input ?? '$', `${at}.input`, problems) : null,
    message,
    workflowIdTemplate,
  };
}

/** Parses and checks the file's text; throws a ConfigError naming the file and every bad field, never a secret. */
export function parseEventSourcesFile(text: string, env: EnvSource, catalog: readonly ProcessDefinition[], source = 'event-sources.yaml'): EventSource[] {
  const fail = (problems: string[]) => new ConfigError(problems.map((problem) => `${source}: ${problem}`));
  let raw: unknown;
  try {
    // prettyErrors off: the excerpt it adds could quote a line of the file.
    raw = parseYaml(text, { prettyErrors: false }) ?? {};
  } catch (error) {
    throw fail([`not valid YAML: ${error instanceof Error ? error.message : String(error)}`]);
  }
  const parsed = eventSourcesFileSchema.safeParse(raw);
  if (!parsed.success) throw fail(problemsOf(parsed.error));

  const problems: string[] = [];
  const sources: EventSource[] = [];
  for (const [name, entry] of Object.entries(parsed.data.sources ?? {})) {
    const at = `sources.${name}`;
    const secrets = resolveSecrets(entry.signature.secret, `${at}.signature.secret`, env, problems);
    const mapping = mappingOf(entry.process, `${at}.process`, catalog, problems);
    const eventId = 'header' in entry.eventId
      ? { kind: 'header' as const, header: entry.eventId.header }
      : { kind: 'path' as const, path: configuredPath(entry.eventId.path, `${at}.eventId.path`, problems) };
    if (!mapping || secrets.length === 0) continue;
    sources.push({
      name,
      scheme: entry.signature.scheme,
      verifier: verifierOf(entry.signature, secrets),
      eventId,
      bodyLimitBytes: bodyLimitBytes(entry.bodyLimit),
      mapping,
    });
  }
  if (problems.length > 0) throw fail(problems);
  return sources;
}

/** Reads the file (EVENT_SOURCES_FILE, else config/event-sources.yaml); no file at the default path means no sources. */
export async function loadEventSources(options: { file: string | null; env: EnvSource; catalog: readonly ProcessDefinition[] }): Promise<EventSource[]> {
  const path = resolve(options.file ?? DEFAULT_EVENT_SOURCES_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && options.file === null) return [];
    throw new ConfigError([`EVENT_SOURCES_FILE: ${path} cannot be read: ${(error as Error).message}`]);
  }
  return parseEventSourcesFile(text, options.env, options.catalog, path);
}
