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

/** A path as configured (for messages naming a field) and parsed. */
export interface ConfiguredPath {
  text: string;
  segments: PathSegment[];
}

export type EventIdLocation = { kind: 'header'; header: string } | { kind: 'path'; path: ConfiguredPath };

export interface EventMapping {
  process: ProcessDefinition;
  mode: DeliveryMode;
  businessKey: ConfiguredPath;
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
