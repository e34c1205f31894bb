/**
 * The SOQL subset the Salesforce fake understands, parsed as the SOQL reference defines it:
 * `SELECT f, Rel.f FROM X [WHERE cond] [ORDER BY f [ASC|DESC], …] [LIMIT n]` where cond combines
 * `f op value`, `f [NOT] IN (…)`, AND, OR and parentheses. String literals honour the documented
 * escapes (\n \r \t \b \f \" \' \\ \uXXXX; any other backslash is an error), dateTime literals
 * are unquoted. Anything else is MALFORMED_QUERY, as an injected quote would be.
 */

export class SoqlSyntaxError extends Error {}

export type SoqlValue =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'dateTime'; value: number }
  | { kind: 'null' }
  | { kind: 'boolean'; value: boolean };
export type SoqlCondition =
  | { op: 'logic'; operator: 'AND' | 'OR'; left: SoqlCondition; right: SoqlCondition }
  | { op: 'compare'; field: string; comparator: '=' | '!=' | '<' | '<=' | '>' | '>='; value: SoqlValue }
  | { op: 'in'; field: string; not: boolean; values: SoqlValue[] };
export interface SoqlQuery {
  fields: string[];
  from: string;
  where?: SoqlCondition;
  orderBy: { field: string; descending: boolean }[];
  limit?: number;
}

type Token = { type: 'word'; text: string } | { type: 'symbol'; text: string } | { type: 'literal'; value: SoqlValue };

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
  '"': '"',
  "'": "'",
  '\\': '\\',
};
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:\d{2})/;

function readString(soql: string, start: number): { value: string; end: number } {
  let value = '';
  for (let i = start + 1; i < soql.length; i++) {
    const char = soql[i]!;
    if (char === "'") return { value, end: i + 1 };
    if (char !== '\\') {
      value += char;
      continue;
    }
    const next = soql[i + 1] ?? '';
    const simple = SIMPLE_ESCAPES[next] ?? SIMPLE_ESCAPES[next.toLowerCase()];
    if (simple !== undefined) {
      value += simple;
      i += 1;
    } else if ((next === 'u' || next === 'U') && /^[0-9a-fA-F]{4}$/.test(soql.slice(i + 2, i + 6))) {
      value += String.fromCharCode(parseInt(soql.slice(i + 2, i + 6), 16));
      i += 5;
    } else {
      throw new SoqlSyntaxError(
        `Invalid string literal '${soql.slice(start, i + 2)}'. Illegal character sequence '\\${next}' in string literal.`,
      );
    }
  }
  throw new SoqlSyntaxError('unexpected token: unterminated string literal');
}

export function tokenize(soql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < soql.length) {
    const rest = soql.slice(i);
    const space = /^\s+/.exec(rest);
    const dateTime = DATETIME.exec(rest);
    const number = /^-?\d+(?:\.\d+)?/.exec(rest);
    const word = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(rest);
    const symbol = /^(<=|>=|!=|<>|[=<>(),])/.exec(rest);
    if (space) i += space[0].length;
    else if (rest.startsWith("'")) {
      const { value, end } = readString(soql, i);
      tokens.push({ type: 'literal', value: { kind: 'string', value } });
      i = end;
    } else if (dateTime) {
      tokens.push({ type: 'literal', value: { kind: 'dateTime', value: Date.parse(dateTime[0]) } });
      i += dateTime[0].length;
    } else if (number) {
      tokens.push({ type: 'literal', value: { kind: 'number', value: Number(number[0]) } });
      i += number[0].length;
    } else if (word) {
      tokens.push({ type: 'word', text: word[0] });
      i += word[0].length;
    } else if (symbol) {
      tokens.push({ type: 'symbol', text: symbol[0] === '<>' ? '!=' : symbol[0] });
      i += symbol[0].length;
    } else throw new SoqlSyntaxError(`unexpected token: '${rest.slice(0, 10)}'`);
  }
  return tokens;
}

class Parser {
  private position = 0;
  constructor(private readonly tokens: Token[]) {}

  query(): SoqlQuery {
    this.keyword('SELECT');
    const fields = [this.name()];
    while (this.accept(',')) fields.push(this.name());
    this.keyword('FROM');
    const query: SoqlQuery = { fields, from: this.name(), orderBy: [] };
    if (this.acceptKeyword('WHERE')) query.where = this.or();
    if (this.acceptKeyword('ORDER')) {
      this.keyword('BY');
      do {
        const field = this.name();
        const descending = this.acceptKeyword('DESC');
        if (!descending) this.acceptKeyword('ASC');
        query.orderBy.push({ field, descending });
      } while (this.accept(','));
    }
    if (this.acceptKeyword('LIMIT')) {
      const limit = this.literal();
      if (limit.kind !== 'number' || !Number.isInteger(limit.value) || limit.value < 0)
        throw new SoqlSyntaxError('LIMIT must be a non-negative integer');
      query.limit = limit.value;
    }
    const extra = this.tokens[this.position];
    if (extra !== undefined) throw new SoqlSyntaxError(`unexpected token: ${describe(extra)}`);
    return query;
  }

  private or(): SoqlCondition {
    let left = this.and();
    while (this.acceptKeyword('OR')) left = { op: 'logic', operator: 'OR', left, right: this.and() };
    return left;
  }

  private and(): SoqlCondition {
    let left = this.primary();
    while (this.acceptKeyword('AND')) left = { op: 'logic', operator: 'AND', left, right: this.primary() };
    return left;
  }

  private primary(): SoqlCondition {
    if (this.accept('(')) {
      const inner = this.or();
      this.expect(')');
      return inner;
    }
    const field = this.name();
    const not = this.acceptKeyword('NOT');
    if (this.acceptKeyword('IN')) {
      this.expect('(');
      const values = [this.literal()];
      while (this.accept(',')) values.push(this.literal());
      this.expect(')');
      return { op: 'in', field, not, values };
    }
    if (not) throw new SoqlSyntaxError('unexpected token: NOT');
    const token = this.next();
    if (token?.type !== 'symbol' || !['=', '!=', '<', '<=', '>', '>='].includes(token.text))
      throw new SoqlSyntaxError(`unexpected token: ${describe(token)}`);
    return { op: 'compare', field, comparator: token.text as '=', value: this.literal() };
  }

  private literal(): SoqlValue {
    const token = this.next();
    if (token?.type === 'literal') return token.value;
    if (token?.type === 'word' && /^(null|true|false)$/i.test(token.text)) {
      const word = token.text.toLowerCase();
      return word === 'null' ? { kind: 'null' } : { kind: 'boolean', value: word === 'true' };
    }
    throw new SoqlSyntaxError(`unexpected token: ${describe(token)}`);
  }

  private name(): string {
    const token = this.next();
    if (token?.type !== 'word') throw new SoqlSyntaxError(`unexpected token: ${describe(token)}`);
    return token.text;
  }

  private next(): Token | undefined {
    return this.tokens[this.position++];
  }

  private accept(symbol: string): boolean {
    const token = this.tokens[this.position];
    if (token?.type !== 'symbol' || token.text !== symbol) return false;
    this.position++;
    return true;
  }

  private expect(symbol: string): void {
    if (!this.accept(symbol)) throw new SoqlSyntaxError(`unexpected token: ${describe(this.tokens[this.position])}`);
  }

  private acceptKeyword(keyword: string): boolean {
    const token = this.tokens[this.position];
    if (token?.type !== 'word' || token.text.toUpperCase() !== keyword) return false;
    this.position++;
    return true;
  }

  private keyword(keyword: string): void {
    if (!this.acceptKeyword(keyword))
      throw new SoqlSyntaxError(`unexpected token: ${describe(this.tokens[this.position])}`);
  }
}

function describe(token: Token | undefined): string {
  if (token === undefined) return '<EOF>';
  if (token.type === 'literal') return token.value.kind === 'string' ? `'${token.value.value}'` : token.value.kind;
  return token.text;
}

export function parseSoql(soql: string): SoqlQuery {
  return new Parser(tokenize(soql)).query();
}
