/**
 * The Salesforce fake's records: field validation as the org would do it (unknown and read-only
 * fields, types, required fields, restricted picklists, references, unique External IDs, custom
 * validation rules), second-precision timestamps, and SOQL evaluation over the records.
 */
import {
  ORG_SCHEMA,
  RELATIONSHIPS,
  SalesforceFakeError,
  recordId,
  type FieldDef,
  type SObjectType,
} from './salesforce-fake-schema';
import { parseSoql, SoqlSyntaxError, type SoqlCondition, type SoqlQuery, type SoqlValue } from './salesforce-fake-soql';

export type FakeRecord = Record<string, unknown> & { Id: string; CreatedDate: number; LastModifiedDate: number };
export type ValidationRule = (record: FakeRecord) => string | undefined;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export class SalesforceFakeStore {
  records: Record<SObjectType, Map<string, FakeRecord>> = {
    Account: new Map(),
    Contact: new Map(),
    Opportunity: new Map(),
    OpportunityContactRole: new Map(),
  };
  private readonly rules: { type: SObjectType; rule: ValidationRule }[] = [];
  private counter = 1;

  constructor(private readonly now: () => number) {}

  count(type: SObjectType): number {
    return this.records[type].size;
  }

  /** A custom validation rule: the message it returns refuses the save (FIELD_CUSTOM_VALIDATION_EXCEPTION). */
  addValidationRule(type: SObjectType, rule: ValidationRule): void {
    this.rules.push({ type, rule });
  }

  /** Inserts without validation (test setup), e.g. many records modified in the same second. */
  seed(type: SObjectType, fields: Record<string, unknown>, at = this.now()): FakeRecord {
    const time = Math.floor(at / 1000) * 1000;
    const record: FakeRecord = {
      ...fields,
      Id: recordId(type, this.counter++),
      CreatedDate: time,
      LastModifiedDate: time,
    };
    this.records[type].set(record.Id, record);
    return record;
  }

  snapshot(): Record<SObjectType, Map<string, FakeRecord>> {
    const copy = (map: Map<string, FakeRecord>) => new Map([...map].map(([id, record]) => [id, { ...record }]));
    return {
      Account: copy(this.records.Account),
      Contact: copy(this.records.Contact),
      Opportunity: copy(this.records.Opportunity),
      OpportunityContactRole: copy(this.records.OpportunityContactRole),
    };
  }

  get(type: SObjectType, id: string): FakeRecord | undefined {
    return this.records[type].get(id) ?? [...this.records[type].values()].find((r) => r.Id.slice(0, 15) === id);
  }

  byExternalId(type: SObjectType, field: string, value: string): FakeRecord[] {
    if (ORG_SCHEMA[type][field]?.externalId !== true)
      throw new SalesforceFakeError(
        404,
        'NOT_FOUND',
        `Provided external ID field does not exist or is not accessible: ${field}`,
      );
    return [...this.records[type].values()].filter(
      (r) => typeof r[field] === 'string' && (r[field] as string).toLowerCase() === value.toLowerCase(),
    );
  }

  create(type: SObjectType, body: unknown): FakeRecord {
    const fields = this.validate(type, body, 'create');
    const record = this.seed(type, fields);
    return this.check(type, record, () => this.records[type].delete(record.Id));
  }

  update(type: SObjectType, id: string, body: unknown): FakeRecord {
    const existing = this.get(type, id);
    if (!existing) throw new SalesforceFakeError(404, 'NOT_FOUND', 'The requested resource does not exist');
    const fields = this.validate(type, body, 'update');
    const before = { ...existing };
    Object.assign(existing, fields, { LastModifiedDate: Math.floor(this.now() / 1000) * 1000 });
    return this.check(type, existing, () => this.records[type].set(existing.Id, before));
  }

  /** Field checks of a body; returns its fields. */
  private validate(type: SObjectType, body: unknown, mode: 'create' | 'update'): Record<string, unknown> {
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      throw new SalesforceFakeError(400, 'JSON_PARSER_ERROR', 'Cannot deserialize instance of SObject');
    const schema = ORG_SCHEMA[type];
    for (const [name, value] of Object.entries(body)) {
      const def = schema[name];
      if (!def)
        throw new SalesforceFakeError(400, 'INVALID_FIELD', `No such column '${name}' on sobject of type ${type}`, [
          name,
        ]);
      if (def.readOnly)
        throw new SalesforceFakeError(
          400,
          'INVALID_FIELD_FOR_INSERT_UPDATE',
          `Unable to create/update fields: ${name}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
          [name],
        );
      if (value !== null) this.checkValue(name, def, value);
    }
    if (mode === 'create') {
      const missing = Object.entries(schema)
        .filter(([name, def]) => def.required && ((body as Record<string, unknown>)[name] ?? '') === '')
        .map(([name]) => name);
      if (missing.length > 0)
        throw new SalesforceFakeError(
          400,
          'REQUIRED_FIELD_MISSING',
          `Required fields are missing: [${missing.join(', ')}]`,
          missing,
        );
    }
    return { ...body };
  }

  private checkValue(name: string, def: FieldDef, value: unknown): void {
    const bad = (code: string, message: string) => new SalesforceFakeError(400, code, message, [name]);
    const expected: Record<FieldDef['type'], string> = {
      id: 'string',
      string: 'string',
      email: 'string',
      datetime: 'string',
      date: 'string',
      currency: 'number',
      boolean: 'boolean',
      reference: 'string',
      picklist: 'string',
    };
    if (typeof value !== expected[def.type])
      throw new SalesforceFakeError(
        400,
        'JSON_PARSER_ERROR',
        `Cannot deserialize instance of ${def.type} from ${typeof value} value for ${name}`,
      );
    const text = String(value);
    if (def.type === 'email' && !EMAIL.test(text))
      throw bad('INVALID_EMAIL_ADDRESS', `${def.label}: invalid email address: ${text}`);
    if (def.type === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(text))
      throw bad('INVALID_TYPE_ON_FIELD_IN_RECORD', `${def.label}: value not of required type: ${text}`);
    if (def.type === 'picklist' && !def.values?.includes(text))
      throw bad(
        'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
        `${def.label}: bad value for restricted picklist field: ${text}`,
      );
    if (def.type === 'string' && text.length > 255)
      throw bad('STRING_TOO_LONG', `${def.label}: data value too large: ${text.slice(0, 20)}… (max length=255)`);
    if (def.type === 'reference' && def.refersTo) {
      if (!/^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$/.test(text))
        throw bad('MALFORMED_ID', `${def.label}: id value of incorrect type: ${text}`);
      if (!this.get(def.refersTo, text)) throw bad('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id');
    }
  }

  /** Unique External IDs and validation rules, after the write; `undo` reverts it on failure. */
  private check(type: SObjectType, record: FakeRecord, undo: () => void): FakeRecord {
    try {
      for (const [name, def] of Object.entries(ORG_SCHEMA[type])) {
        if (!def.externalId || typeof record[name] !== 'string') continue;
        const other = this.byExternalId(type, name, record[name] as string).find((r) => r.Id !== record.Id);
        if (other)
          throw new SalesforceFakeError(
            400,
            'DUPLICATE_VALUE',
            `duplicate value found: ${name} duplicates value on record with id: ${other.Id}`,
            [name],
          );
      }
      for (const { rule } of this.rules.filter((r) => r.type === type)) {
        const message = rule(record);
        if (message !== undefined) throw new SalesforceFakeError(400, 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message);
      }
      return record;
    } catch (error) {
      undo();
      throw error;
    }
  }

  /** Ids of the records a query selects, in its order. */
  select(soql: string): { query: SoqlQuery; type: SObjectType; ids: string[] } {
    let query: SoqlQuery;
    try {
      query = parseSoql(soql);
    } catch (error) {
      if (error instanceof SoqlSyntaxError) throw new SalesforceFakeError(400, 'MALFORMED_QUERY', error.message);
      throw error;
    }
    const type = query.from as SObjectType;
    if (!ORG_SCHEMA[type])
      throw new SalesforceFakeError(400, 'INVALID_TYPE', `sObject type '${query.from}' is not supported.`);
    for (const field of [...query.fields, ...query.orderBy.map((o) => o.field)]) this.fieldDef(type, field);
    let rows = [...this.records[type].values()].filter(
      (r) => query.where === undefined || this.matches(type, r, query.where),
    );
    rows = rows.sort((a, b) => {
      for (const { field, descending } of query.orderBy) {
        const order = compare(this.value(type, a, field), this.value(type, b, field), field === 'Id');
        if (order !== 0) return descending ? -order : order;
      }
      return 0;
    });
    return { query, type, ids: rows.slice(0, query.limit).map((r) => r.Id) };
  }

  /** A field's value, following a relationship (`Account.Name`). */
  value(type: SObjectType, record: FakeRecord, field: string): unknown {
    const [head, tail] = field.split('.');
    if (tail === undefined) return record[field] ?? null;
    const relation = RELATIONSHIPS[type]?.[head!];
    if (!relation)
      throw new SalesforceFakeError(400, 'INVALID_FIELD', `No such column '${field}' on entity '${type}'.`);
    const parent = this.get(relation.type, String(record[relation.idField] ?? ''));
    return parent ? (parent[tail] ?? null) : null;
  }

  fieldDef(type: SObjectType, field: string): FieldDef {
    const [head, tail] = field.split('.');
    const relation = tail === undefined ? undefined : RELATIONSHIPS[type]?.[head!];
    const def = relation ? ORG_SCHEMA[relation.type][tail!] : ORG_SCHEMA[type][field];
    if (!def) throw new SalesforceFakeError(400, 'INVALID_FIELD', `No such column '${field}' on entity '${type}'.`);
    return def;
  }

  private matches(type: SObjectType, record: FakeRecord, condition: SoqlCondition): boolean {
    if (condition.op === 'logic') {
      const [left, right] = [this.matches(type, record, condition.left), this.matches(type, record, condition.right)];
      return condition.operator === 'AND' ? left && right : left || right;
    }
    const def = this.fieldDef(type, condition.field);
    const actual = this.value(type, record, condition.field);
    const literals = condition.op === 'in' ? condition.values : [condition.value];
    for (const literal of literals) checkLiteral(condition.field, def, literal);
    if (condition.op === 'in')
      return condition.values.some((v) => compare(actual, literalValue(v), def.type === 'id') === 0) !== condition.not;
    const order = compare(actual, literalValue(condition.value), def.type === 'id');
    const outcomes = {
      '=': order === 0,
      '!=': order !== 0,
      '<': order < 0,
      '<=': order <= 0,
      '>': order > 0,
      '>=': order >= 0,
    };
    return actual === null && condition.value.kind !== 'null'
      ? condition.comparator === '!='
      : outcomes[condition.comparator];
  }
}

function checkLiteral(field: string, def: FieldDef, literal: SoqlValue): void {
  if (literal.kind === 'null') return;
  const wants =
    def.type === 'datetime'
      ? 'dateTime'
      : def.type === 'currency'
        ? 'number'
        : def.type === 'boolean'
          ? 'boolean'
          : 'string';
  if (literal.kind !== wants)
    throw new SalesforceFakeError(
      400,
      'INVALID_FIELD',
      `value of filter criterion for field '${field}' must be of type ${def.type} and should${wants === 'string' ? '' : ' not'} be enclosed in quotes`,
    );
}

function literalValue(literal: SoqlValue): unknown {
  return literal.kind === 'null' ? null : literal.value;
}

/** SOQL order: nulls first, text case-insensitive except ids. */
function compare(a: unknown, b: unknown, caseSensitive: boolean): number {
  if (a === null || a === undefined || b === null || b === undefined)
    return (a ?? null) === (b ?? null) ? 0 : a === null || a === undefined ? -1 : 1;
  if (typeof a === 'string' && typeof b === 'string') {
    const [x, y] = caseSensitive ? [a, b] : [a.toLowerCase(), b.toLowerCase()];
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}
