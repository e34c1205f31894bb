/**
 * Turns an authentic event into the delivery command the inbox stores, validating on the way, so
 * an event that cannot become a run or a signal is refused with 400 naming the field in the event
 * and never accepted into the inbox.
 */
import type { z } from 'zod';
import { withDefaultConnectors, type StepConnectors } from '../../connectors/registry/step-defaults';
import type { DeploymentFacts } from '../../workflows/process-definition';
import { AppError, type FieldError } from '../errors/app-error';
import { fieldErrorsOf } from '../errors/field-errors';
import { storeSearchAttributes, type DeliveryCommand } from './delivery-command';
import { withEventActor } from './event-actor';
import { valueAt } from './event-path';
import { infrastructureChosen } from '../runs/infrastructure-fields';
import type { ConfiguredPath, EventSource } from './event-source';

/** What the deployment fills into a process input, as POST /v1/runs does (runs.service.ts). */
export interface InputPreparation {
  /** connectors.yaml `defaults`. */
  connectorDefaults: StepConnectors;
  deployment: DeploymentFacts;
}

export interface MappedEvent {
  eventId: string;
  businessKey: string;
  command: DeliveryCommand;
}

const MAX_ID_LENGTH = 255;

const invalidEvent = (errors: FieldError[]) => AppError.validation('The event is invalid for this source.', errors);

/** A value a jq mapping produced is named from its own root, not from a path in the event. */
const invalidMapped = (path: ConfiguredPath, what: string, errors: FieldError[]) =>
  path.evaluate
    ? AppError.validation(
        `${what} that the source's jq mapping made of this event is invalid (fields are named in it).`,
        errors,
      )
    : invalidEvent(errors);

/** The value at a configured path of the event, or what its jq mapping makes of the event. */
function read(event: unknown, path: ConfiguredPath): unknown {
  return path.evaluate ? path.evaluate(event) : valueAt(event, path.segments);
}

/** The path as the sender sees it, as the root of field names in a 400. */
const rootOf = (path: ConfiguredPath) => (path.segments.length === 0 ? '' : path.text.replace(/^\$\./, ''));

/** An identifier from the event: a non-empty string or a number, as ids come from JSON senders. */
function identifierOf(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value.trim() !== '' && value.length <= MAX_ID_LENGTH) return value;
  return null;
}

/**
 * The event id from its path in the signed body, or from a header the source declared it trusts
 * unsigned (event-sources-file.ts refuses any other header id); 400 naming where it was looked for.
 */
export function eventIdOf(source: EventSource, header: (name: string) => string | undefined, event: unknown): string {
  const location = source.eventId;
  const value = location.kind === 'header' ? header(location.header) : read(event, location.path);
  const id = identifierOf(value);
  if (id !== null) return id;
  const field = location.kind === 'header' ? location.header : rootOf(location.path) || '(event)';
  throw new AppError({
    code: 'missing-event-id',
    status: 400,
    title: 'Invalid request',
    detail: `The event id (${location.kind === 'header' ? `header ${location.header}` : `event path ${location.path.text}`}) is missing or not an id.`,
    errors: [{ field, message: `must be a non-empty string (at most ${MAX_ID_LENGTH} characters) or a number` }],
  });
}

function parseWith(schema: z.ZodType, value: unknown, path: ConfiguredPath, what: string): unknown {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidMapped(path, what, fieldErrorsOf(parsed.error, rootOf(path)));
  return parsed.data;
}

/** Missing: nothing at the path, or null from a jq mapping (jq's `.missing` is null). */
function required(value: unknown, path: ConfiguredPath, what: string): unknown {
  if (value === undefined || (path.evaluate && value === null))
    throw invalidEvent([{ field: rootOf(path) || '(event)', message: `is missing (${what})` }]);
  return value;
}

/** An event (or imported row) may not choose infrastructure unless its source allows it: a 400 naming each field. */
function refuseInfrastructureFields(fields: readonly string[], input: ConfiguredPath, what: string): void {
  if (fields.length === 0) return;
  const root = rootOf(input);
  throw invalidMapped(
    input,
    what,
    fields.map((field) => ({
      field: root ? `${root}.${field}` : field,
      message:
        'chooses infrastructure, which this source does not allow (allowInfrastructureFields in event-sources.yaml)',
    })),
  );
}

/** Maps and validates an event of the source; throws a 400 AppError naming the offending field. */
export function mapEvent(
  source: EventSource,
  event: unknown,
  eventId: string,
  preparation: InputPreparation,
): MappedEvent {
  const { mapping } = source;
  const { process } = mapping;
  // Absent (start modes only): the business key is the one the process derives from the input.
  let businessKey: string | null = null;
  if (mapping.businessKey) {
    businessKey = identifierOf(read(event, mapping.businessKey));
    if (businessKey === null) {
      throw invalidEvent([
        {
          field: rootOf(mapping.businessKey) || '(event)',
          message: `must be a non-empty string or a number (the business key of ${process.type})`,
        },
      ]);
    }
  }

  const command: DeliveryCommand = { mode: mapping.mode, workflowType: process.type, workflowId: '' };
  if (mapping.input) {
    const what = `The ${process.type} input`;
    const raw = required(read(event, mapping.input), mapping.input, `the ${process.type} input`);
    const prepare = (input: unknown): unknown => {
      const withConnectors = process.choosesConnectors
        ? withDefaultConnectors(input, preparation.connectorDefaults)
        : input;
      return process.completeInput ? process.completeInput(withConnectors, preparation.deployment) : withConnectors;
    };
    if (!mapping.allowInfrastructureFields)
      refuseInfrastructureFields(infrastructureChosen(process, raw, prepare), mapping.input, what);
    const completed = prepare(raw);
    const input = parseWith(process.inputSchema, completed, mapping.input, what);
    const derivedKey = process.businessKey(input);
    if (mapping.businessKey === null) businessKey = derivedKey;
    else if (derivedKey !== businessKey) {
      throw invalidEvent([
        {
          field: rootOf(mapping.businessKey) || '(event)',
          message: `must equal the business key ${process.type} derives from its input ("${derivedKey}")`,
        },
      ]);
    }
    command.workflowId = process.workflowId(input);
    // A flow's run carries its FlowRunInput: the flow version is pinned when the event is accepted.
    command.input = process.startArgument ? process.startArgument(input) : input;
    command.searchAttributes = storeSearchAttributes(process.initialSearchAttributes(input));
  } else {
    // The loader requires a business key for the modes that start nothing.
    command.workflowId = mapping.workflowIdTemplate!.replaceAll('{businessKey}', businessKey!);
  }
  if (mapping.message) {
    const { definition, argument, actor } = mapping.message;
    const found = required(read(event, argument), argument, `the ${definition.name} ${mapping.message.kind} argument`);
    const raw = actor ? withEventActor(definition, actor, argument, event, found) : found;
    const arg = definition.inputSchema
      ? parseWith(definition.inputSchema, raw, argument, `The ${definition.name} ${mapping.message.kind} argument`)
      : raw;
    command.message = { name: definition.name, arg: arg ?? null };
  }
  return { eventId, businessKey: businessKey!, command };
}
