/**
 * Building SOQL from values without SOQL injection. Every value enters a query through one of
 * these functions; field and object names come from constants or settings validated as API
 * names. SOQL has no bind parameters over REST, so string literals are escaped as the SOQL
 * reference defines it: backslash and single quote are reserved, and \n \r \t \b \f \" \' \\
 * are the escape sequences. Any other control character is refused rather than guessed at.
 */

const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

export class SoqlValueError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'SoqlValueError';
  }
}

/** A quoted SOQL string literal holding exactly `value`. */
export function soqlString(value: string): string {
  let out = "'";
  for (const char of value) {
    const escaped = ESCAPES[char];
    if (escaped !== undefined) out += escaped;
    else if (char < ' ' || char === '\u007f')
      throw new SoqlValueError('value contains a control character SOQL cannot carry');
    else out += char;
  }
  return `${out}'`;
}

/** `('a', 'b')` for IN; never empty (SOQL refuses `IN ()`). */
export function soqlList(values: readonly string[]): string {
  if (values.length === 0) throw new SoqlValueError('IN needs at least one value');
  return `(${values.map(soqlString).join(', ')})`;
}

/**
 * A dateTime literal (unquoted, `YYYY-MM-DDThh:mm:ssZ`). Salesforce keeps DateTime to the
 * second, so dropping milliseconds loses nothing; a value that had them compares one second early.
 */
export function soqlDateTime(epochMs: number): string {
  if (!Number.isFinite(epochMs)) throw new SoqlValueError('invalid instant');
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** A record id literal, checked to be one (15 or 18 base-62 characters) so it cannot carry syntax. */
export function soqlId(id: string): string {
  if (!isSalesforceId(id)) throw new SoqlValueError('not a Salesforce record id');
  return `'${id}'`;
}

export function isSalesforceId(value: string): boolean {
  return /^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/.test(value);
}

/** `SELECT a, b FROM X [WHERE …] [ORDER BY …] [LIMIT n]`; fields and object are trusted names. */
export function soqlSelect(parts: {
  fields: readonly string[];
  from: string;
  where?: string;
  orderBy?: string;
  limit?: number;
}): string {
  const clauses = [`SELECT ${parts.fields.join(', ')} FROM ${parts.from}`];
  if (parts.where !== undefined) clauses.push(`WHERE ${parts.where}`);
  if (parts.orderBy !== undefined) clauses.push(`ORDER BY ${parts.orderBy}`);
  if (parts.limit !== undefined) clauses.push(`LIMIT ${Math.trunc(parts.limit)}`);
  return clauses.join(' ');
}
