/**
 * How a CSV row becomes an event: the header row names each column by its path in the event,
 * written as event-sources.yaml writes paths (`orderId`, `customer.email`, `lines[0].sku`), with
 * an optional type suffix: `amount:number`, `gift:boolean`, `lines:json` (a JSON value in the
 * cell); without one a cell is a string. Types are declared, never guessed: an id such as
 * `00123` must stay a string. An empty cell leaves its field out, so optional fields can be blank.
 */
import type { FieldError } from '../errors/app-error';
import { formatEventPath, parseEventPath, type PathSegment } from '../intake/event-path';

export const COLUMN_TYPES = ['string', 'number', 'boolean', 'json'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export interface CsvColumn {
  /** The path as the header wrote it, without its type: the field name in rejections. */
  field: string;
  path: PathSegment[];
  type: ColumnType;
}

/** The header row cannot describe events; the whole file is refused. */
export class InvalidCsvHeaderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidCsvHeaderError';
  }
}

/** Names that would reach Object.prototype when the row is built. */
const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
/** A JSON number, as senders write them. */
const NUMBER = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function parseColumn(cell: string, index: number): CsvColumn {
  const text = cell.trim();
  const [pathText = '', type = 'string', ...rest] = text.split(':');
  if (pathText === '') throw new InvalidCsvHeaderError(`Column ${index + 1} of the header has no name.`);
  if (rest.length > 0 || !(COLUMN_TYPES as readonly string[]).includes(type)) {
    throw new InvalidCsvHeaderError(`Column "${text}": the type after ":" must be one of ${COLUMN_TYPES.join(', ')}.`);
  }
  let path: PathSegment[];
  try {
    path = parseEventPath(pathText);
  } catch (error) {
    throw new InvalidCsvHeaderError(`Column "${text}": ${(error as Error).message}.`);
  }
  if (path.length === 0) throw new InvalidCsvHeaderError(`Column "${text}" must name a field, not the whole event.`);
  if (path.some((segment) => typeof segment === 'string' && FORBIDDEN_NAMES.has(segment))) {
    throw new InvalidCsvHeaderError(`Column "${text}" uses a reserved name (${[...FORBIDDEN_NAMES].join(', ')}).`);
  }
  return { field: formatEventPath(path), path, type: type as ColumnType };
}

type NodeKind = 'leaf' | 'object' | 'array';

/**
 * Every list element a column names has its predecessor named too (`lines[1].sku` needs a column
 * under `lines[0]`). With indexes bounded (MAX_PATH_INDEX) and gapless, a row's lists together
 * have at most as many elements as the header has columns: a row's event grows with the header,
 * never with the numbers written in it.
 */
function refuseGaps(columns: readonly CsvColumn[], named: ReadonlySet<string>): void {
  for (const column of columns) {
    column.path.forEach((segment, depth) => {
      if (typeof segment !== 'number' || segment === 0) return;
      const previous = formatEventPath([...column.path.slice(0, depth), segment - 1]);
      if (!named.has(previous)) {
        throw new InvalidCsvHeaderError(
          `Column "${column.field}" names ${formatEventPath(column.path.slice(0, depth + 1))} but no column names ${previous}: list indexes count from 0 without gaps.`,
        );
      }
    });
  }
}

/**
 * Parses the header row; throws InvalidCsvHeaderError when a column is unnamed, mistyped, named
 * twice, cannot sit beside another (`customer` and `customer.email`; `lines[0]` and `lines.x`),
 * or names a list element past MAX_PATH_INDEX or after a gap.
 */
export function parseCsvHeader(cells: readonly string[]): CsvColumn[] {
  const columns = cells.map(parseColumn);
  const kinds = new Map<string, { kind: NodeKind; field: string }>();
  for (const column of columns) {
    for (let depth = 1; depth <= column.path.length; depth++) {
      const prefix = formatEventPath(column.path.slice(0, depth));
      const next = column.path[depth];
      const kind: NodeKind = next === undefined ? 'leaf' : typeof next === 'number' ? 'array' : 'object';
      const known = kinds.get(prefix);
      if (known && (known.kind !== kind || kind === 'leaf')) {
        throw new InvalidCsvHeaderError(
          known.field === column.field
            ? `Column "${column.field}" appears twice.`
            : `Columns "${known.field}" and "${column.field}" cannot both be set: ${prefix} would be two things.`,
        );
      }
      kinds.set(prefix, { kind, field: column.field });
    }
  }
  refuseGaps(columns, new Set(kinds.keys()));
  return columns;
}

function cellValue(cell: string, type: ColumnType): { value: unknown } | { problem: string } {
  switch (type) {
    case 'string':
      return { value: cell };
    case 'number': {
      const text = cell.trim();
      return NUMBER.test(text) ? { value: Number(text) } : { problem: 'is not a number' };
    }
    case 'boolean': {
      const text = cell.trim().toLowerCase();
      return text === 'true'
        ? { value: true }
        : text === 'false'
          ? { value: false }
          : { problem: 'must be true or false' };
    }
    case 'json':
      try {
        return { value: JSON.parse(cell) as unknown };
      } catch {
        return { problem: 'is not valid JSON' };
      }
  }
}

function setAt(target: Record<string, unknown>, path: readonly PathSegment[], value: unknown): void {
  let current: Record<string | number, unknown> = target;
  for (let i = 0; i < path.length - 1; i++) {
    const segment = path[i]!;
    current[segment] ??= typeof path[i + 1] === 'number' ? [] : {};
    current = current[segment] as Record<string | number, unknown>;
  }
  current[path[path.length - 1]!] = value;
}

/** The event a row describes, or the fields whose cells do not have the column's type. */
export function eventOfCsvRow(
  columns: readonly CsvColumn[],
  cells: readonly string[],
): { event: Record<string, unknown> } | { errors: FieldError[] } {
  const event: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  columns.forEach((column, index) => {
    const cell = cells[index] ?? '';
    if (cell === '') return;
    const converted = cellValue(cell, column.type);
    if ('problem' in converted) errors.push({ field: column.field, message: converted.problem });
    else setAt(event, column.path, converted.value);
  });
  return errors.length > 0 ? { errors } : { event };
}
