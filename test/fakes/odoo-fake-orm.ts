/**
 * The Odoo fake's ORM: models with typed fields, records, domains (prefix '&' '|' '!', dotted
 * paths through many2one, SQL-like `=ilike` with its % and _ wildcards), search_read's
 * fields/offset/limit/order, and x2many commands (0, 0, vals) and (6, 0, ids). Errors carry
 * the Python exception class Odoo would raise over JSON-RPC.
 */
import { matchesDomain, OdooFakeError, validationError, valueError } from './odoo-fake-domain';

export { OdooFakeError, validationError, valueError } from './odoo-fake-domain';

export interface FieldDef {
  type: 'char' | 'int' | 'float' | 'bool' | 'many2one' | 'one2many' | 'many2many' | 'datetime' | 'date';
  relation?: string;
  /** one2many: the many2one on the related model pointing back. */
  inverse?: string;
  required?: boolean;
}
export type OdooRecord = Record<string, unknown> & { id: number };

const c = (required = false): FieldDef => ({ type: 'char', required });
const m2o = (relation: string, required = false): FieldDef => ({ type: 'many2one', relation, required });
const o2m = (relation: string, inverse: string): FieldDef => ({ type: 'one2many', relation, inverse });
const float: FieldDef = { type: 'float' };
const stamp: FieldDef = { type: 'datetime' };

export const MODELS: Record<string, Record<string, FieldDef>> = {
  'res.partner': {
    name: c(true),
    email: c(),
    ref: c(),
    customer_rank: { type: 'int' },
    supplier_rank: { type: 'int' },
    active: { type: 'bool' },
  },
  'product.product': { name: c(true), default_code: c(), active: { type: 'bool' } },
  'stock.location': { name: c(true), usage: c(true) },
  'stock.quant': {
    product_id: m2o('product.product', true),
    location_id: m2o('stock.location', true),
    quantity: float,
    reserved_quantity: float,
  },
  'res.currency': { name: c(true), active: { type: 'bool' } },
  'product.pricelist': { name: c(true), currency_id: m2o('res.currency', true) },
  'sale.order': {
    name: c(),
    partner_id: m2o('res.partner', true),
    client_order_ref: c(),
    pricelist_id: m2o('product.pricelist'),
    currency_id: m2o('res.currency'),
    state: c(),
    amount_total: float,
    order_line: o2m('sale.order.line', 'order_id'),
    create_date: stamp,
  },
  'sale.order.line': {
    order_id: m2o('sale.order', true),
    product_id: m2o('product.product', true),
    product_uom_qty: float,
    price_unit: float,
    name: c(),
  },
  'account.move': {
    name: c(),
    move_type: c(true),
    partner_id: m2o('res.partner'),
    currency_id: m2o('res.currency'),
    invoice_origin: c(),
    ref: c(),
    state: c(),
    amount_total: float,
    invoice_line_ids: o2m('account.move.line', 'move_id'),
    invoice_date: { type: 'date' },
    create_date: stamp,
  },
  'account.move.line': {
    move_id: m2o('account.move', true),
    product_id: m2o('product.product'),
    quantity: float,
    price_unit: float,
    sale_line_ids: { type: 'many2many', relation: 'sale.order.line' },
  },
  'purchase.order': {
    name: c(),
    partner_id: m2o('res.partner', true),
    partner_ref: c(),
    currency_id: m2o('res.currency'),
    state: c(),
    amount_total: float,
    order_line: o2m('purchase.order.line', 'order_id'),
    create_date: stamp,
  },
  'purchase.order.line': {
    order_id: m2o('purchase.order', true),
    product_id: m2o('product.product', true),
    product_qty: float,
    price_unit: float,
  },
};

export class OdooFakeOrm {
  readonly tables = new Map<string, Map<number, OdooRecord>>(Object.keys(MODELS).map((model) => [model, new Map()]));
  private nextId = 1;

  fields(model: string): Record<string, FieldDef> {
    const fields = MODELS[model];
    if (!fields) throw new OdooFakeError('builtins.KeyError', `'${model}'`);
    return fields;
  }

  field(model: string, name: string): FieldDef | undefined {
    return name === 'id' ? { type: 'int' } : this.fields(model)[name];
  }

  table(model: string): Map<number, OdooRecord> {
    this.fields(model);
    return this.tables.get(model) as Map<number, OdooRecord>;
  }

  /** Inserts validated values; x2many commands create the linked records. */
  insert(model: string, values: Record<string, unknown>): OdooRecord {
    const fields = this.fields(model);
    const plain = this.checkValues(model, values);
    for (const [name, def] of Object.entries(fields)) {
      if (def.required && (plain[name] === undefined || plain[name] === false || plain[name] === '')) {
        throw validationError(
          `The operation cannot be completed: a mandatory field is not set. Model: ${model}, Field: ${name}`,
        );
      }
    }
    const record: OdooRecord = { ...plain, id: this.nextId++ };
    if ('active' in fields && record.active === undefined) record.active = true;
    this.table(model).set(record.id, record);
    this.applyCommands(model, record, values);
    return record;
  }

  update(model: string, record: OdooRecord, values: Record<string, unknown>): void {
    Object.assign(record, this.checkValues(model, values));
    this.applyCommands(model, record, values);
  }

  /** Records matching `domain`, archived ones excluded unless the domain names `active`. */
  search(model: string, domain: unknown[]): OdooRecord[] {
    const fields = this.fields(model);
    const namesActive = domain.some((term) => Array.isArray(term) && term[0] === 'active');
    return [...this.table(model).values()].filter(
      (r) => (!('active' in fields) || namesActive || r.active !== false) && matchesDomain(this, model, r, domain),
    );
  }

  /** `field asc, field2 desc` */
  sort(model: string, records: OdooRecord[], order: string | undefined): OdooRecord[] {
    const keys = (order ?? 'id asc').split(',').map((part) => {
      const [name = '', dir = 'asc'] = part.trim().split(/\s+/);
      if (!this.field(model, name) || !/^(asc|desc)$/i.test(dir))
        throw valueError(`Invalid "order" specified (${order}).`);
      return { name, sign: dir.toLowerCase() === 'desc' ? -1 : 1 };
    });
    return [...records].sort((a, b) => {
      for (const { name, sign } of keys) {
        const [x, y] = [a[name] ?? '', b[name] ?? ''] as [string | number, string | number];
        if (x !== y) return x < y ? -sign : sign;
      }
      return 0;
    });
  }

  /** A record as read/search_read return it: many2one as [id, name], empty as false. */
  present(model: string, record: OdooRecord, names: string[]): Record<string, unknown> {
    const fields = names.length > 0 ? names : ['id', ...Object.keys(this.fields(model))];
    const out: Record<string, unknown> = { id: record.id };
    for (const name of fields) {
      const def = this.field(model, name);
      if (!def) throw valueError(`Invalid field '${name}' on model '${model}'`);
      if (def.type === 'one2many' && def.relation && def.inverse)
        out[name] = [...this.table(def.relation).values()]
          .filter((r) => r[def.inverse as string] === record.id)
          .map((r) => r.id);
      else if (def.type === 'many2one' && def.relation)
        out[name] =
          typeof record[name] === 'number'
            ? [record[name], this.displayName(def.relation, record[name] as number)]
            : false;
      else if (name !== 'id')
        out[name] =
          record[name] ?? (def.type === 'many2many' ? [] : def.type === 'float' || def.type === 'int' ? 0 : false);
    }
    return out;
  }

  private displayName(model: string, id: number): string {
    const record = this.table(model).get(id);
    if (!record) return '';
    return model === 'product.product' && record.default_code
      ? `[${String(record.default_code)}] ${String(record.name)}`
      : String(record.name ?? '');
  }

  private checkValues(model: string, values: Record<string, unknown>): Record<string, unknown> {
    const plain: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(values)) {
      const def = this.fields(model)[name];
      if (!def) throw valueError(`Invalid field '${name}' on model '${model}'`);
      if (def.type === 'one2many' || def.type === 'many2many') continue;
      const ok =
        value === false ||
        (def.type === 'char' && typeof value === 'string') ||
        ((def.type === 'float' || def.type === 'int') &&
          typeof value === 'number' &&
          (def.type === 'float' || Number.isInteger(value))) ||
        (def.type === 'bool' && typeof value === 'boolean') ||
        ((def.type === 'datetime' || def.type === 'date') && typeof value === 'string') ||
        (def.type === 'many2one' && typeof value === 'number' && this.table(def.relation as string).has(value));
      if (!ok) throw validationError(`Wrong value for ${model}.${name}: ${JSON.stringify(value)}`);
      plain[name] = value;
    }
    return plain;
  }

  private applyCommands(model: string, record: OdooRecord, values: Record<string, unknown>): void {
    for (const [name, value] of Object.entries(values)) {
      const def = this.fields(model)[name];
      if (def?.type !== 'one2many' && def?.type !== 'many2many') continue;
      if (!Array.isArray(value))
        throw validationError(`Wrong value for ${model}.${name}: x2many values are lists of commands`);
      const linked: number[] = [];
      for (const command of value) {
        if (
          Array.isArray(command) &&
          command[0] === 0 &&
          command[1] === 0 &&
          def.type === 'one2many' &&
          isRecord(command[2])
        ) {
          this.insert(def.relation as string, { ...command[2], [def.inverse as string]: record.id });
        } else if (
          Array.isArray(command) &&
          command[0] === 6 &&
          command[1] === 0 &&
          def.type === 'many2many' &&
          Array.isArray(command[2])
        ) {
          for (const id of command[2])
            if (typeof id !== 'number' || !this.table(def.relation as string).has(id))
              throw new OdooFakeError(
                'odoo.exceptions.MissingError',
                `Record does not exist or has been deleted.\n(Record: ${def.relation}(${String(id)},))`,
              );
          linked.push(...(command[2] as number[]));
        } else
          throw validationError(`Wrong value for ${model}.${name}: unsupported command ${JSON.stringify(command)}`);
      }
      if (def.type === 'many2many') record[name] = linked;
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
