/** Reads the connector needs before it writes: products by SKU, partners, pricelists, currencies, orders. */
import { odooManifest } from './odoo.manifest';
import { odooId, odooInvalid, odooNotFound } from './odoo-errors';
import type { OdooRpcClient } from './odoo-rpc.client';
import {
  currencyRow,
  fieldsOf,
  partnerRow,
  pricelistRow,
  productRow,
  salesOrderRow,
  type PartnerRow,
  type SalesOrderRow,
} from './odoo.schemas';

const { models } = odooManifest;

export class OdooLookups {
  constructor(
    private readonly rpc: OdooRpcClient,
    private readonly instance: string,
  ) {}

  /** product.product ids of the SKUs (`default_code`) that exist; archived products are not found. */
  async productIds(skus: string[]): Promise<Map<string, number>> {
    const unique = [...new Set(skus)];
    if (unique.length === 0) return new Map();
    const rows = await this.rpc.searchRead(
      models.product,
      [['default_code', 'in', unique]],
      fieldsOf(productRow),
      productRow,
      { order: 'id asc' },
    );
    const ids = new Map<string, number>();
    for (const row of rows)
      if (row.default_code !== false && !ids.has(row.default_code)) ids.set(row.default_code, row.id);
    return ids;
  }

  /** Like productIds, but every SKU must exist: an order line Odoo cannot price is refused here. */
  async requireProducts(skus: string[]): Promise<Map<string, number>> {
    const ids = await this.productIds(skus);
    const missing = [...new Set(skus)].filter((sku) => !ids.has(sku));
    if (missing.length > 0)
      throw odooInvalid(this.instance, `No product with internal reference ${missing.join(', ')}`);
    return ids;
  }

  async partner(id: string, what: string): Promise<PartnerRow> {
    const rows = await this.rpc.searchRead(
      models.partner,
      [['id', '=', odooId(id, this.instance, what)]],
      fieldsOf(partnerRow),
      partnerRow,
      { limit: 1 },
    );
    const row = rows[0];
    if (row === undefined) throw odooNotFound(this.instance, what, id);
    return row;
  }

  /** A supplier by partner id, or else by exact name (which must be unambiguous). */
  async supplierId(supplier: string): Promise<number> {
    if (/^\d+$/.test(supplier)) return (await this.partner(supplier, 'supplier')).id;
    const rows = await this.rpc.searchRead(
      models.partner,
      [['name', '=', supplier]],
      fieldsOf(partnerRow),
      partnerRow,
      { limit: 2 },
    );
    if (rows.length === 0) throw odooNotFound(this.instance, 'supplier', supplier);
    if (rows.length > 1)
      throw odooInvalid(this.instance, `More than one partner is named "${supplier}"; pass the supplier's id`);
    return (rows[0] as PartnerRow).id;
  }

  /** A sales order's currency comes from its pricelist: the first pricelist in that currency. */
  async pricelistId(currency: string): Promise<number> {
    const rows = await this.rpc.searchRead(
      models.pricelist,
      [['currency_id.name', '=', currency]],
      fieldsOf(pricelistRow),
      pricelistRow,
      { limit: 1, order: 'id asc' },
    );
    const row = rows[0];
    if (row === undefined)
      throw odooInvalid(
        this.instance,
        `No pricelist in ${currency}: create one in Odoo (Sales → Products → Pricelists)`,
      );
    return row.id;
  }

  async currencyId(currency: string): Promise<number> {
    const rows = await this.rpc.searchRead(
      models.currency,
      [['name', '=', currency]],
      fieldsOf(currencyRow),
      currencyRow,
      { limit: 1 },
    );
    const row = rows[0];
    if (row === undefined) throw odooInvalid(this.instance, `Currency ${currency} is not active in Odoo`);
    return row.id;
  }

  async salesOrder(id: string): Promise<SalesOrderRow | null> {
    const rows = await this.rpc.searchRead(
      models.salesOrder,
      [['id', '=', odooId(id, this.instance, 'sales order')]],
      fieldsOf(salesOrderRow),
      salesOrderRow,
      { limit: 1 },
    );
    return rows[0] ?? null;
  }

  async salesOrderByReference(externalReference: string): Promise<SalesOrderRow | null> {
    const rows = await this.rpc.searchRead(
      models.salesOrder,
      [['client_order_ref', '=', externalReference]],
      fieldsOf(salesOrderRow),
      salesOrderRow,
      { limit: 1, order: 'id asc' },
    );
    return rows[0] ?? null;
  }
}
