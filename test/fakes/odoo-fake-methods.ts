/** The model methods the Odoo fake serves over execute_kw, with Odoo's argument checks. */
import type { OdooFakeBusiness } from './odoo-fake-business';
import { OdooFakeError, validationError, type OdooFakeOrm, type OdooRecord } from './odoo-fake-orm';

const KWARGS: Record<string, string[]> = {
  search_read: ['fields', 'offset', 'limit', 'order', 'context'],
  search: ['offset', 'limit', 'order', 'context'],
  search_count: ['context'],
  read: ['fields', 'context'],
  create: ['context'],
  write: ['context'],
};

function typeError(message: string): OdooFakeError {
  return new OdooFakeError('builtins.TypeError', message);
}

function positional(method: string, args: unknown[], count: number): void {
  if (args.length !== count)
    throw typeError(`${method}() takes ${count + 1} positional arguments but ${args.length + 1} were given`);
}

function records(orm: OdooFakeOrm, model: string, ids: unknown): OdooRecord[] {
  if (!Array.isArray(ids) || !ids.every((id) => Number.isInteger(id)))
    throw typeError(`expected a list of ids, got ${JSON.stringify(ids)}`);
  return ids.map((id) => {
    const record = orm.table(model).get(id as number);
    if (!record)
      throw new OdooFakeError(
        'odoo.exceptions.MissingError',
        `Record does not exist or has been deleted.\n(Record: ${model}(${String(id)},), User: 2)`,
      );
    return record;
  });
}

function domainOf(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw typeError(`a domain is a list, got ${JSON.stringify(value)}`);
  return value;
}

function isValues(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function runOrmMethod(
  orm: OdooFakeOrm,
  business: OdooFakeBusiness,
  model: string,
  method: string,
  args: unknown[],
  kwargs: Record<string, unknown>,
): unknown {
  orm.fields(model);
  const businessMethod = business.methods[model]?.[method];
  const allowed = businessMethod ? ['context'] : KWARGS[method];
  if (!allowed) throw new OdooFakeError('builtins.AttributeError', `The method '${model}.${method}' does not exist`);
  for (const name of Object.keys(kwargs))
    if (!allowed.includes(name)) throw typeError(`${method}() got an unexpected keyword argument '${name}'`);
  const context = isValues(kwargs.context) ? kwargs.context : {};
  if (businessMethod) {
    positional(method, args, 1);
    return businessMethod(records(orm, model, args[0]), context);
  }
  const fields = kwargs.fields === undefined ? [] : kwargs.fields;
  if (!Array.isArray(fields) || !fields.every((f) => typeof f === 'string'))
    throw typeError('fields must be a list of field names');
  switch (method) {
    case 'search_read':
    case 'search': {
      positional(method, args, 1);
      const { offset = 0, limit } = kwargs;
      if (
        !Number.isInteger(offset) ||
        (limit !== undefined && limit !== null && limit !== false && !Number.isInteger(limit))
      )
        throw typeError('offset and limit must be integers');
      const order = typeof kwargs.order === 'string' ? kwargs.order : undefined;
      const found = orm
        .sort(model, orm.search(model, domainOf(args[0])), order)
        .slice(offset as number, typeof limit === 'number' ? (offset as number) + limit : undefined);
      return method === 'search' ? found.map((r) => r.id) : found.map((r) => orm.present(model, r, fields as string[]));
    }
    case 'search_count':
      positional(method, args, 1);
      return orm.search(model, domainOf(args[0])).length;
    case 'read':
      positional(method, args, 1);
      return records(orm, model, args[0]).map((r) => orm.present(model, r, fields as string[]));
    case 'create': {
      positional(method, args, 1);
      const create = (values: unknown) => {
        if (!isValues(values)) throw typeError('create() takes a dict of field values (or a list of them)');
        const record = orm.insert(model, values);
        business.created(model, record);
        return record.id;
      };
      return Array.isArray(args[0]) ? args[0].map(create) : create(args[0]);
    }
    case 'write': {
      positional(method, args, 2);
      if (!isValues(args[1])) throw typeError('write() takes a list of ids and a dict of field values');
      for (const record of records(orm, model, args[0])) {
        orm.update(model, record, args[1]);
        business.recompute(model, record);
      }
      return true;
    }
    default:
      throw validationError(`unsupported method ${method}`);
  }
}
