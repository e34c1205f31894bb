/** The HubSpot fake's records: CRM v3 objects, unique properties, associations and search. */
import {
  DEFAULT_SEARCH_PROPERTIES,
  HubSpotFakeError,
  MODIFIED_PROPERTY,
  invalidProperties,
  portalProperties,
  validateProperties,
  type FakeFilter,
  type FakeObjectType,
  type FakeSearchBody,
  type PropertyDefinition,
} from './hubspot-fake-schema';

export interface FakeRecord {
  id: string;
  properties: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  associations: { toId: string; typeId: number }[];
}

export interface HubSpotFakeStoreOptions {
  currencies: readonly string[];
  /** Results one search can page through (HubSpot: 10,000). */
  searchResultCap: number;
  now: () => number;
}

export class HubSpotFakeStore {
  readonly records: Record<FakeObjectType, Map<string, FakeRecord>> = {
    contacts: new Map(),
    companies: new Map(),
    deals: new Map(),
  };
  private readonly definitions: Record<FakeObjectType, Record<string, PropertyDefinition>>;
  private nextId = 1001;

  constructor(private readonly options: HubSpotFakeStoreOptions) {
    this.definitions = portalProperties(options.currencies);
  }

  count(type: FakeObjectType): number {
    return this.records[type].size;
  }

  /** Inserts without validation (test setup), e.g. contacts sharing one modification time. */
  seed(type: FakeObjectType, properties: Record<string, string>, at = this.options.now()): FakeRecord {
    const record: FakeRecord = {
      id: String(this.nextId++),
      properties: { ...properties },
      createdAt: at,
      updatedAt: at,
      associations: [],
    };
    this.records[type].set(record.id, record);
    return record;
  }

  create(
    type: FakeObjectType,
    properties: Record<string, string>,
    associations: { toId: string; typeId: number }[] = [],
  ): FakeRecord {
    validateProperties(this.definitions[type], properties);
    for (const [name, value] of Object.entries(properties)) {
      if (!this.definitions[type][name]?.unique) continue;
      const clash = this.findBy(type, name, value);
      if (clash) {
        const what =
          type === 'contacts' && name === 'email'
            ? 'Contact already exists.'
            : `A record with ${name} "${value}" already exists.`;
        throw new HubSpotFakeError(409, 'CONFLICT', `${what} Existing ID: ${clash.id}`);
      }
    }
    for (const association of associations) {
      const target =
        type === 'deals' && association.typeId === 3 ? this.records.contacts.get(association.toId) : undefined;
      if (!target)
        throw new HubSpotFakeError(
          400,
          'VALIDATION_ERROR',
          `Invalid association: ${type} to ${association.toId} with type ${association.typeId}`,
        );
    }
    const record = this.seed(
      type,
      type === 'contacts' && properties.email ? { ...properties, email: properties.email.toLowerCase() } : properties,
    );
    record.associations = associations;
    return record;
  }

  update(type: FakeObjectType, id: string, properties: Record<string, string>): FakeRecord {
    const record = this.get(type, id);
    if (!record) throw notFound();
    validateProperties(this.definitions[type], properties);
    Object.assign(record.properties, properties);
    record.updatedAt = this.options.now();
    return record;
  }

  get(type: FakeObjectType, id: string, idProperty?: string): FakeRecord | undefined {
    if (idProperty === undefined || idProperty === 'hs_object_id') return this.records[type].get(id);
    if (!this.definitions[type][idProperty]?.unique)
      throw new HubSpotFakeError(
        400,
        'VALIDATION_ERROR',
        `Property ${idProperty} is not a unique identifier for ${type}`,
      );
    return this.findBy(type, idProperty, id);
  }

  findBy(type: FakeObjectType, property: string, value: string): FakeRecord | undefined {
    const wanted = value.toLowerCase();
    return [...this.records[type].values()].find((r) => r.properties[property]?.toLowerCase() === wanted);
  }

  /** The value of a property as HubSpot returns it, system properties included. */
  value(type: FakeObjectType, record: FakeRecord, property: string): string | null {
    if (property === 'hs_object_id') return record.id;
    if (property === 'createdate') return new Date(record.createdAt).toISOString();
    if (property === MODIFIED_PROPERTY[type]) return new Date(record.updatedAt).toISOString();
    return record.properties[property] ?? null;
  }

  search(type: FakeObjectType, body: FakeSearchBody): { total: number; results: FakeRecord[]; nextAfter?: string } {
    const groups = body.filterGroups ?? [];
    for (const f of groups.flatMap((g) => g.filters)) this.checkFilter(type, f);
    const matches = [...this.records[type].values()].filter(
      (r) => groups.length === 0 || groups.some((g) => g.filters.every((f) => this.matches(type, r, f))),
    );
    const sort = body.sorts?.[0];
    if (sort) {
      if (this.definitions[type][sort.propertyName] === undefined)
        throw invalidProperties([
          {
            name: sort.propertyName,
            error: 'PROPERTY_DOESNT_EXIST',
            message: `Property "${sort.propertyName}" does not exist`,
          },
        ]);
      const sign = sort.direction === 'ASCENDING' ? 1 : -1;
      // Ties come back in descending id order: nothing documents an order for them.
      matches.sort(
        (a, b) =>
          sign * compare(this.value(type, a, sort.propertyName), this.value(type, b, sort.propertyName)) ||
          Number(b.id) - Number(a.id),
      );
    } else matches.sort((a, b) => Number(a.id) - Number(b.id));
    const offset = Number(body.after ?? '0');
    const limit = body.limit ?? 10;
    if (offset >= this.options.searchResultCap)
      throw new HubSpotFakeError(
        400,
        'VALIDATION_ERROR',
        `Paging beyond ${this.options.searchResultCap} results is not supported`,
      );
    const end = Math.min(offset + limit, this.options.searchResultCap, matches.length);
    return {
      total: matches.length,
      results: matches.slice(offset, end),
      ...(end < matches.length ? { nextAfter: String(end) } : {}),
    };
  }

  searchProperties(type: FakeObjectType, requested: string[] | undefined): string[] {
    return requested && requested.length > 0 ? requested : DEFAULT_SEARCH_PROPERTIES[type];
  }

  private checkFilter(type: FakeObjectType, f: FakeFilter): void {
    if (this.definitions[type][f.propertyName] === undefined)
      throw invalidProperties([
        {
          name: f.propertyName,
          error: 'PROPERTY_DOESNT_EXIST',
          message: `Property "${f.propertyName}" does not exist`,
        },
      ]);
    const needsValues = f.operator === 'IN' || f.operator === 'NOT_IN';
    const needsValue = !needsValues && f.operator !== 'HAS_PROPERTY' && f.operator !== 'NOT_HAS_PROPERTY';
    if ((needsValues && f.values === undefined) || (needsValue && f.value === undefined)) {
      throw new HubSpotFakeError(
        400,
        'VALIDATION_ERROR',
        `Operator ${f.operator} on ${f.propertyName} needs ${needsValues ? 'values' : 'a value'}`,
      );
    }
    const kind = this.definitions[type][f.propertyName]?.kind;
    if (
      (kind === 'datetime' || kind === 'number') &&
      f.value !== undefined &&
      !/^-?\d+(\.\d+)?$/.test(f.value) &&
      Number.isNaN(Date.parse(f.value))
    ) {
      throw new HubSpotFakeError(400, 'VALIDATION_ERROR', `${f.value} is not a valid value for ${f.propertyName}`);
    }
  }

  private matches(type: FakeObjectType, record: FakeRecord, f: FakeFilter): boolean {
    const actual = this.value(type, record, f.propertyName);
    const kind = this.definitions[type][f.propertyName]?.kind;
    const norm = (v: string | null): string | number | null =>
      v === null
        ? null
        : kind === 'datetime'
          ? /^\d+$/.test(v)
            ? Number(v)
            : Date.parse(v)
          : kind === 'number'
            ? Number(v)
            : v.toLowerCase();
    const a = norm(actual);
    const b = f.value === undefined ? null : norm(f.value);
    switch (f.operator) {
      case 'EQ':
        return a !== null && a === b;
      case 'NEQ':
        return a !== b;
      case 'GT':
        return a !== null && b !== null && a > b;
      case 'GTE':
        return a !== null && b !== null && a >= b;
      case 'LT':
        return a !== null && b !== null && a < b;
      case 'LTE':
        return a !== null && b !== null && a <= b;
      case 'IN':
        return a !== null && (f.values ?? []).map(norm).includes(a);
      case 'NOT_IN':
        return !(f.values ?? []).map(norm).includes(a);
      case 'HAS_PROPERTY':
        return a !== null;
      case 'NOT_HAS_PROPERTY':
        return a === null;
    }
  }
}

function compare(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  const [x, y] = [Date.parse(a), Date.parse(b)];
  if (!Number.isNaN(x) && !Number.isNaN(y) && /^\d{4}-/.test(a)) return x - y;
  return a < b ? -1 : 1;
}

export function notFound(): HubSpotFakeError {
  return new HubSpotFakeError(404, 'OBJECT_NOT_FOUND', 'resource not found');
}
