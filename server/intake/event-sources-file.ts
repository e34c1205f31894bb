/**
 * config/event-sources.yaml (EVENT_SOURCES_FILE): the webhook sources of POST /v1/events/:source.
 *
 *   sources:
 *     shopify-orders:
 *       signature: { scheme: hmac-sha256, header: X-Shopify-Hmac-Sha256, secret: '${SHOPIFY_WEBHOOK_SECRET}' }
 *       eventId: { path: admin_graphql_api_id }
 *       process: { type: orderToCash, mode: start, input: '${ { orderId: …, customer: …, … } }' }
 *
 * Secrets may only be `${ENV_VAR}` references, resolved when the file is loaded (as in
 * connectors.yaml), so a secret never lands in a committed file. Every mapping is checked
 * against the process catalog at start-up: an unknown type or an undeclared signal fails the
 * start with a message naming the field, not the first event; so is every jq mapping's syntax
 * (event-jq-mapping.ts).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError } from '../../config';
import { loadJq, type JqRuntime } from '../flows/jq/jq-runtime';
import { parseYamlConfig } from '../../config/yaml-config-file';
import type { ProcessDefinition } from '../../workflows/catalog';
import { actorPathOf } from './event-actor';
import { isJqMapping, jqMappingOf } from './event-jq-mapping';
import { parseEventPath } from './event-path';
import type { ConfiguredPath, EventIdLocation, EventMapping, EventSource } from './event-source';
import {
  bodyLimitBytes,
  eventSourcesFileSchema,
  referencedVariable,
  type EventSourceEntry,
  type ProcessMappingEntry,
} from './event-sources.schema';
import { hmacSignatureVerifier } from './signature/hmac-signature';
import { sharedSecretVerifier } from './signature/shared-secret';
import type { SignatureVerifier } from './signature/signature-verifier';
import { stripeSignatureVerifier } from './signature/stripe-signature';

export type EnvSource = Readonly<Record<string, string | undefined>>;

/** config/event-sources.yaml of this checkout; optional. */
export const DEFAULT_EVENT_SOURCES_FILE = resolve(__dirname, '../../config/event-sources.yaml');

const WORKFLOW_ID_PLACEHOLDER = '{businessKey}';

function configuredPath(text: string, at: string, problems: string[]): ConfiguredPath {
  try {
    return { text, segments: parseEventPath(text) };
  } catch (error) {
    problems.push(`${at}: ${(error as Error).message}`);
    return { text, segments: [] };
  }
}

/** A path, or a jq mapping (`${ … }` or an object of them) bound to `jq`; `what` names the value in a refusal. */
function pathOrMapping(
  value: unknown,
  at: string,
  problems: string[],
  jq: JqRuntime | undefined,
  what: string,
): ConfiguredPath {
  return isJqMapping(value) ? jqMappingOf(value, at, jq, problems, what) : configuredPath(String(value), at, problems);
}

function resolveSecrets(
  references: string | readonly string[],
  at: string,
  env: EnvSource,
  problems: string[],
): string[] {
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

/**
 * Where the event id is. The id is what makes a replay a duplicate, so it must be as authentic as
 * the body: none of the schemes signs a header (hmac-sha256 and shared-secret cover the raw body,
 * stripe `t.body`), and anyone holding one captured event could send its body again under a fresh
 * id header and have it taken for a new event. A header id is refused unless the source declares
 * `trustUnsignedHeader: true`, accepting that a replayed body is a new event, so its process must
 * be idempotent by its business key.
 */
function eventIdLocationOf(
  entry: EventSourceEntry,
  at: string,
  problems: string[],
  jq: JqRuntime | undefined,
): EventIdLocation {
  const location = entry.eventId;
  if ('path' in location)
    return { kind: 'path', path: pathOrMapping(location.path, `${at}.eventId.path`, problems, jq, 'the event id') };
  if (location.trustUnsignedHeader !== true) {
    problems.push(
      `${at}.eventId.header: the ${entry.signature.scheme} signature does not cover the ${location.header} header, so a signed body sent again with a new id would be accepted as a new event. ` +
        `Take the id from the signed body (eventId: { path: <field> }), or, if ${entry.process.type} is idempotent by its business key, declare eventId: { header: ${location.header}, trustUnsignedHeader: true }`,
    );
  }
  return { kind: 'header', header: location.header };
}

/** Checks a mapping against the catalog: the process exists and declares the signal or update, and each mode has what it needs. */
function mappingOf(
  entry: ProcessMappingEntry,
  at: string,
  catalog: readonly ProcessDefinition[],
  problems: string[],
  jq: JqRuntime | undefined,
): EventMapping | null {
  const process = catalog.find((candidate) => candidate.type === entry.type);
  if (!process) {
    problems.push(
      `${at}.type: no workflow type "${entry.type}" in the catalog (known: ${catalog.map((p) => p.type).join(', ')})`,
    );
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
  if (starts)
    misplaced(
      'workflowId',
      `mode ${entry.mode} takes the workflow id from the process (its business key in the input)`,
    );

  let message: EventMapping['message'] = null;
  if (messageKind) {
    const name = messageKind === 'signal' ? entry.signal : entry.update;
    const declared = messageKind === 'signal' ? process.signals : process.updates;
    const definition = declared.find((candidate) => candidate.name === name);
    if (name === undefined) problems.push(`${at}.${messageKind}: mode ${entry.mode} needs the ${messageKind} to send`);
    else if (!definition) {
      problems.push(
        `${at}.${messageKind}: "${process.type}" declares no ${messageKind} "${name}" (declared: ${declared.map((m) => m.name).join(', ') || 'none'})`,
      );
    } else {
      const actor = actorPathOf(entry.actor, definition, at, problems);
      message = {
        kind: messageKind,
        definition,
        argument: pathOrMapping(
          entry.argument ?? '$',
          `${at}.argument`,
          problems,
          jq,
          `the ${definition.name} ${messageKind} argument`,
        ),
        ...(actor ? { actor } : {}),
      };
    }
  }
  if (!messageKind) actorPathOf(entry.actor, null, at, problems);
  let workflowIdTemplate: string | null = null;
  if (!starts && entry.businessKey === undefined)
    problems.push(`${at}.businessKey: mode ${entry.mode} needs the business key, which names the run to reach`);
  if (!starts) {
    if (entry.workflowId === undefined || !entry.workflowId.includes(WORKFLOW_ID_PLACEHOLDER)) {
      problems.push(
        `${at}.workflowId: mode ${entry.mode} needs the workflow id of the run to reach, with ${WORKFLOW_ID_PLACEHOLDER} (e.g. purchase-${WORKFLOW_ID_PLACEHOLDER})`,
      );
    } else workflowIdTemplate = entry.workflowId;
  }
  return {
    process,
    mode: entry.mode,
    businessKey:
      entry.businessKey === undefined
        ? null
        : pathOrMapping(entry.businessKey, `${at}.businessKey`, problems, jq, `the business key of ${process.type}`),
    input: starts ? pathOrMapping(entry.input ?? '$', `${at}.input`, problems, jq, `the ${process.type} input`) : null,
    message,
    workflowIdTemplate,
    allowInfrastructureFields: entry.allowInfrastructureFields,
  };
}

/**
 * Parses and checks the file's text; throws a ConfigError naming the file and every bad field, never
 * a secret. `jq` evaluates the sources' jq mappings (loadJq()); a file that declares one needs it.
 */
export function parseEventSourcesFile(
  text: string,
  env: EnvSource,
  catalog: readonly ProcessDefinition[],
  source = 'event-sources.yaml',
  jq?: JqRuntime,
): EventSource[] {
  const fail = (problems: string[]) => new ConfigError(problems.map((problem) => `${source}: ${problem}`));
  const file = parseYamlConfig(text, eventSourcesFileSchema, source);

  const problems: string[] = [];
  const sources: EventSource[] = [];
  for (const [name, entry] of Object.entries(file.sources ?? {})) {
    const at = `sources.${name}`;
    const secrets = resolveSecrets(entry.signature.secret, `${at}.signature.secret`, env, problems);
    const mapping = mappingOf(entry.process, `${at}.process`, catalog, problems, jq);
    const eventId = eventIdLocationOf(entry, at, problems, jq);
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
export async function loadEventSources(options: {
  file: string | null;
  env: EnvSource;
  catalog: readonly ProcessDefinition[];
}): Promise<EventSource[]> {
  const path = resolve(options.file ?? DEFAULT_EVENT_SOURCES_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && options.file === null) return [];
    throw new ConfigError([`EVENT_SOURCES_FILE: ${path} cannot be read: ${(error as Error).message}`]);
  }
  // jq costs ~30 ms and a few MB once per process, loaded whether or not a source maps with it.
  return parseEventSourcesFile(text, options.env, options.catalog, path, await loadJq());
}
