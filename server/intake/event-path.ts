/**
 * Paths into a received event, as event-sources.yaml writes them: `id`, `data.object.id`,
 * `lines[0].sku`; `$` (or an empty path) is the whole event. Deliberately not JSONPath: one value
 * per path, no filters or wildcards, so a path reads the same in a config review as in the code.
 */

export type PathSegment = string | number;

/**
 * Largest array index a path may name. Reading a path allocates nothing, but an import's header
 * builds each row's event from its column paths, where `junk[50000000]` made a 50-million-slot
 * array per row (250 MB of JSON each). No real path, in a config file or a CSV header, needs an
 * element past the thousandth; a list that long belongs in one `:json` column.
 */
export const MAX_PATH_INDEX = 999;

const SEGMENT = /^([A-Za-z_$][\w$-]*)((?:\[\d+\])*)$/;

/** Parses a path; throws with the reason when it is not one. */
export function parseEventPath(path: string): PathSegment[] {
  const trimmed = path.trim();
  if (trimmed === '' || trimmed === '$') return [];
  const body = trimmed.startsWith('$.') ? trimmed.slice(2) : trimmed;
  const segments: PathSegment[] = [];
  for (const part of body.split('.')) {
    const match = SEGMENT.exec(part);
    if (!match)
      throw new Error(
        `"${path}" is not a path: use names and [index] joined by dots, e.g. data.object.id or lines[0].sku`,
      );
    segments.push(match[1]!);
    for (const index of match[2]!.matchAll(/\[(\d+)\]/g)) {
      const value = Number(index[1]);
      if (value > MAX_PATH_INDEX)
        throw new Error(`the index [${index[1]}] in "${path}" is past the largest allowed, ${MAX_PATH_INDEX}`);
      segments.push(value);
    }
  }
  return segments;
}

/** The value at the path, or undefined when any step is missing. */
export function valueAt(value: unknown, path: readonly PathSegment[]): unknown {
  let current: unknown = value;
  for (const segment of path) {
    if (typeof segment === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[segment];
    } else {
      if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
      // Own properties only: a path must never reach Object.prototype (`constructor`, `__proto__`).
      if (!Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
      current = (current as Record<string, unknown>)[segment];
    }
  }
  return current;
}

/** `['lines', 0, 'sku']` → `lines[0].sku`; the whole event is `(event)`. */
export function formatEventPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) out += typeof segment === 'number' ? `[${segment}]` : out ? `.${segment}` : segment;
  return out || '(event)';
}
