/**
 * Odoo domains for the fake: `[path, operator, value]` leaves combined with prefix '&' (the
 * default between leaves), '|' and '!'; dotted paths follow many2one fields; `=like`/`=ilike`
 * are SQL patterns (% and _ are wildcards), `like`/`ilike` match anywhere.
 */
/** An error as Odoo raises it: `exception` is the Python class JSON-RPC reports as data.name. */
export class OdooFakeError extends Error {
  constructor(
    readonly exception: string,
    message: string,
  ) {
    super(message);
  }
}
export const validationError = (message: string) => new OdooFakeError('odoo.exceptions.ValidationError', message);
export const valueError = (message: string) => new OdooFakeError('builtins.ValueError', message);

type Row = Record<string, unknown>;
/** What domains need of the ORM (kept structural: no import cycle). */
export interface DomainModels {
  field(model: string, name: string): { type: string; relation?: string } | undefined;
  table(model: string): Map<number, Row>;
}

const OPERATORS = new Set(['=', '!=', '<', '<=', '>', '>=', 'in', 'not in', '=ilike', 'ilike', '=like', 'like']);

export function matchesDomain(orm: DomainModels, model: string, record: Row, domain: unknown[]): boolean {
  const stack: boolean[] = [];
  for (const term of [...domain].reverse()) {
    if (term === '&' || term === '|') {
      const [a, b] = [stack.pop(), stack.pop()];
      if (a === undefined || b === undefined) throw valueError(`Invalid domain: ${JSON.stringify(domain)}`);
      stack.push(term === '&' ? a && b : a || b);
    } else if (term === '!') {
      const a = stack.pop();
      if (a === undefined) throw valueError(`Invalid domain: ${JSON.stringify(domain)}`);
      stack.push(!a);
    } else stack.push(leaf(orm, model, record, term));
  }
  return stack.every(Boolean);
}

function leaf(orm: DomainModels, model: string, record: Row, term: unknown): boolean {
  if (!Array.isArray(term) || term.length !== 3 || typeof term[0] !== 'string' || !OPERATORS.has(term[1] as string))
    throw valueError(`Invalid leaf ${JSON.stringify(term)}`);
  const [path, operator, expected] = term as [string, string, unknown];
  const segments = path.split('.');
  let current = model;
  let row: Row | undefined = record;
  let value: unknown;
  segments.forEach((name, index) => {
    const def = orm.field(current, name);
    if (!def) throw valueError(`Invalid field '${name}' on model '${current}'`);
    value = row?.[name];
    if (index < segments.length - 1) {
      if (def.type !== 'many2one' || !def.relation)
        throw valueError(`Invalid field path '${path}' on model '${model}'`);
      row = typeof value === 'number' ? orm.table(def.relation).get(value) : undefined;
      current = def.relation;
    }
  });
  return compare(value ?? false, operator, expected);
}

function likePattern(pattern: string, anchored: boolean, caseless: boolean): RegExp {
  const body = pattern
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/%/g, '.*')
    .replace(/_/g, '.');
  return new RegExp(anchored ? `^${body}$` : body, caseless ? 'is' : 's');
}

function compare(actual: unknown, operator: string, expected: unknown): boolean {
  switch (operator) {
    case '=':
      return actual === expected;
    case '!=':
      return actual !== expected;
    case 'in':
      return Array.isArray(expected) && expected.includes(actual);
    case 'not in':
      return Array.isArray(expected) && !expected.includes(actual);
    case '=ilike':
    case '=like':
    case 'ilike':
    case 'like':
      return (
        typeof actual === 'string' &&
        likePattern(String(expected), operator.startsWith('='), operator.endsWith('ilike')).test(actual)
      );
    default: {
      if (actual === false || actual === undefined) return false;
      const [a, b] = [actual as string | number, expected as string | number];
      return operator === '<' ? a < b : operator === '<=' ? a <= b : operator === '>' ? a > b : a >= b;
    }
  }
}
