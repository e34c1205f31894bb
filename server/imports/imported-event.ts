/**
 * What the inbox keeps as an imported row's event (event_inbox.payload, shown as a dead letter's
 * `event`): what the process receives — the validated input and message argument of the row's
 * delivery command — placed at the paths the source maps them from, so it has the shape of the
 * source's events. Not the row as parsed: a row is built from column paths, and columns the
 * mapping does not read (an empty `junk[999]`, say) have no business in the inbox. What is kept
 * passed the process's schemas, so it is no larger than the command stored beside it. A value a
 * jq mapping makes (event-jq-mapping.ts) has no path in the event: it is kept at the root.
 */
import type { DeliveryCommand } from '../intake/delivery-command';
import type { PathSegment } from '../intake/event-path';
import type { EventSource } from '../intake/event-source';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A copy of `target` with `value` at `path`; two objects placed at one spot (input and argument both `$`) merge. */
function placeAt(target: unknown, path: readonly PathSegment[], value: unknown): unknown {
  if (path.length === 0) return isRecord(target) && isRecord(value) ? { ...target, ...value } : value;
  const [head, ...rest] = path as [PathSegment, ...PathSegment[]];
  if (typeof head === 'number') {
    const list: unknown[] = Array.isArray(target) ? [...(target as unknown[])] : [];
    list[head] = placeAt(list[head], rest, value);
    return list;
  }
  const object: Record<string, unknown> = isRecord(target) ? { ...target } : {};
  // Defined, not assigned: a configured name is never a way to set a prototype.
  Object.defineProperty(object, head, {
    value: placeAt(Object.hasOwn(object, head) ? object[head] : undefined, rest, value),
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return object;
}

export function importedEventOf(source: EventSource, command: DeliveryCommand): unknown {
  const { mapping } = source;
  let event: unknown = {};
  if (mapping.input && command.input !== undefined) event = placeAt(event, mapping.input.segments, command.input);
  if (mapping.message && command.message)
    event = placeAt(event, mapping.message.argument.segments, command.message.arg);
  return event;
}
