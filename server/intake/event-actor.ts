/**
 * Events that carry a person's decision (an update or signal whose catalog entry names an actor,
 * e.g. purchaseApproval's approve). Through the API the person is whom the credential acts for; a
 * webhook has no such credential, only its sender's signature. So a source that delivers such a
 * message must say where its signed body names the person (`process.actor: { path }`): the sender
 * authenticated that person, and Junction trusts its signed body for it. Without that declaration
 * the file is refused at start-up.
 */
import type { MessageDefinition } from '../../workflows/process-definition';
import { AppError } from '../errors/app-error';
import { formatEventPath, parseEventPath, valueAt } from './event-path';
import type { ConfiguredPath } from './event-source';

/** The actor path of a mapping, checked against its message; problems name `at` (the mapping). */
export function actorPathOf(
  declared: { path: string } | undefined,
  definition: MessageDefinition | null,
  at: string,
  problems: string[],
): ConfiguredPath | undefined {
  const field = definition?.actor?.field;
  if (!field) {
    if (declared)
      problems.push(
        `${at}.actor: ${definition ? `"${definition.name}" is no person's decision` : 'this mode sends no message'}, so there is no actor to declare`,
      );
    return undefined;
  }
  if (!declared) {
    problems.push(
      `${at}.actor: "${definition.name}" is a person's decision (its ${field}); declare where the signed event names that person, ` +
        `e.g. actor: { path: decision.${field} }. Junction then trusts this sender to have authenticated them.`,
    );
    return undefined;
  }
  try {
    return { text: declared.path, segments: parseEventPath(declared.path) };
  } catch (error) {
    problems.push(`${at}.actor.path: ${(error as Error).message}`);
    return undefined;
  }
}

const invalidEvent = (field: string, message: string) =>
  AppError.validation('The event is invalid for this source.', [{ field, message }]);

/**
 * The message argument with its actor field set to the person at the actor path: 400 when the
 * event names nobody there, or when the argument names someone else.
 */
export function withEventActor(
  definition: MessageDefinition,
  actor: ConfiguredPath,
  argumentPath: ConfiguredPath,
  event: unknown,
  argument: unknown,
): unknown {
  const field = definition.actor?.field;
  if (!field) return argument;
  const person: unknown = valueAt(event, actor.segments);
  if (typeof person !== 'string' || person.trim() === '') {
    throw invalidEvent(
      formatEventPath(actor.segments),
      `must name the person deciding "${definition.name}" (the source's actor path)`,
    );
  }
  if (typeof argument !== 'object' || argument === null || Array.isArray(argument)) return argument; // the message schema answers 400
  const named: unknown = (argument as Record<string, unknown>)[field];
  if (
    named !== undefined &&
    (typeof named !== 'string' || named.trim().toLowerCase() !== person.trim().toLowerCase())
  ) {
    throw invalidEvent(
      formatEventPath([...argumentPath.segments, field]),
      `must be the person at ${formatEventPath(actor.segments)} (the source's actor), or left out`,
    );
  }
  return { ...argument, [field]: person };
}
