/** A webhook source as the intake uses it: resolved from event-sources.yaml (event-sources-file.ts). */
import type { MessageDefinition, ProcessDefinition } from '../../workflows/catalog';
import type { PathSegment } from './event-path';
import type { SignatureVerifier } from './signature/signature-verifier';

/**
 * - `start`: start a run with the input; an event for a run that exists (running or finished) starts nothing.
 * - `signal`: deliver a signal to the running run of the business key.
 * - `signalWithStart`: start the run with the input if it is not running, and deliver the signal to it.
 * - `update`: deliver an update to the running run; a refusal by its validator makes the event a dead letter.
 */
export type DeliveryMode = 'start' | 'signal' | 'signalWithStart' | 'update';

export const DELIVERY_MODES: readonly DeliveryMode[] = ['start', 'signal', 'signalWithStart', 'update'];

/**
 * Where a value is in the event, as configured (`text`, for messages naming a field): a path, or a
 * jq mapping (`${ … }`, or an object whose values may be), which `evaluate` runs over the whole
 * signed event. A jq mapping's `segments` are [], the root: fields of the value it produces are
 * named from there, and an import places that value at the root of the event it keeps.
 */
export interface ConfiguredPath {
  text: string;
  segments: PathSegment[];
  /** A jq mapping's evaluation; throws a 400 AppError with jq's message when it fails on the event. */
  evaluate?: (event: unknown) => unknown;
}

export type EventIdLocation = { kind: 'header'; header: string } | { kind: 'path'; path: ConfiguredPath };

export interface EventMapping {
  process: ProcessDefinition;
  mode: DeliveryMode;
  /** Required for signal and update; for start and signalWithStart, absent means the process's business key of the input. */
  businessKey: ConfiguredPath | null;
  /** start and signalWithStart. */
  input: ConfiguredPath | null;
  /**
   * The signal (signal, signalWithStart) or update (update) and the path of its argument; `actor`,
   * the path of the person deciding, for a message that is a person's decision (event-actor.ts).
   */
  message: {
    kind: 'signal' | 'update';
    definition: MessageDefinition;
    argument: ConfiguredPath;
    actor?: ConfiguredPath;
  } | null;
  /** signal and update: `{businessKey}` is replaced. */
  workflowIdTemplate: string | null;
  /** The input may set fields that choose infrastructure (event-sources.yaml `allowInfrastructureFields`); absent: refused. */
  allowInfrastructureFields?: boolean;
}

export interface EventSource {
  name: string;
  scheme: 'hmac-sha256' | 'stripe' | 'shared-secret';
  verifier: SignatureVerifier;
  eventId: EventIdLocation;
  bodyLimitBytes: number;
  mapping: EventMapping;
}
