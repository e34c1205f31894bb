/**
 * The slice of OData v4 query syntax the Business Central fake understands: `$filter` clauses
 * `field op literal` joined by `and` or by `or` (not both, no parentheses), as the connector
 * writes them. Anything else is a 400, as BC answers a filter it cannot read.
 */
export type FakeRecord = Record<string, unknown>;
type Op = 'eq' | 'ne' | 'ge' | 'gt' | 'le' | 'lt';

interface Clause {
  field: string;
  op: Op;
  value: string | number;
}

const CLAUSE = /^([A-Za-z]+) (eq|ne|ge|gt|le|lt) ('(?:[^']|'')*'|[0-9A-Fa-f-]+|-?\d+(?:\.\d+)?)$/;

export class FilterError extends Error {}

function parseClause(text: string): Clause {
  const match = CLAUSE.exec(text.trim());
  if (!match) throw new FilterError(`Could not parse the filter clause "${text}"`);
  const [, field = '', op = 'eq', literal = ''] = match;
  const value = literal.startsWith("'")
    ? literal.slice(1, -1).replace(/''/g, "'")
    : /^-?\d+(\.\d+)?$/.test(literal)
      ? Number(literal)
      : literal;
  return { field, op: op as Op, value };
}

/** Splits on a keyword outside string literals. */
function splitOutsideQuotes(text: string, keyword: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    if (text[i] === "'") quoted = !quoted;
    else if (!quoted && text.startsWith(keyword, i)) {
      parts.push(text.slice(start, i));
      start = i + keyword.length;
      i = start - 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function compare(actual: unknown, clause: Clause): boolean {
  const left =
    typeof actual === 'string' && typeof clause.value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(clause.value)
      ? actual.slice(0, 10)
      : actual;
  const right = clause.value;
  switch (clause.op) {
    case 'eq':
      return left === right;
    case 'ne':
      return left !== right;
    case 'ge':
      return (left as string) >= (right as string);
    case 'gt':
      return (left as string) > (right as string);
    case 'le':
      return (left as string) <= (right as string);
    case 'lt':
      return (left as string) < (right as string);
  }
}

/** A predicate for `$filter` (absent: everything). */
export function parseFilter(filter: string | null): (record: FakeRecord) => boolean {
  if (filter === null || filter.trim() === '') return () => true;
  const ors = splitOutsideQuotes(filter, ' or ');
  const ands = splitOutsideQuotes(filter, ' and ');
  if (ors.length > 1 && ands.length > 1) throw new FilterError('The fake does not mix and/or');
  const clauses = (ors.length > 1 ? ors : ands).map(parseClause);
  return ors.length > 1
    ? (r) => clauses.some((c) => compare(r[c.field], c))
    : (r) => clauses.every((c) => compare(r[c.field], c));
}
