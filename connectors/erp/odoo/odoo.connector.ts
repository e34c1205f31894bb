/**
 * The Odoo ERP connector (JSON-RPC external API). Idempotency is lookup-before-write on a
 * natural key Odoo stores: customers by email, sales orders by `client_order_ref`, purchase
 * orders by `partner_ref` (= externalReference), invoices by `ref` (= idempotency key). A
 * confirm/post step interrupted by a failure is completed by the replay. Two attempts running
 * at the same time could still both create (Odoo has no unique constraint on these fields).
 */
import { createHttpClient } from '../../http';
import {
  customerInput,
  idempotencyKeyInput,
  invoiceInput,
  parseInput,
  purchaseOrderInput,
  salesOrderInput,
  skusInput,
  timeWindowInput,
} from '../../inputs';
import type {
  Customer,
  CustomerInput,
  ErpConnector,
  ErpOperation,
  Invoice,
  InvoiceInput,
  Page,
  PurchaseOrder,
  PurchaseOrderInput,
  SalesOrder,
  SalesOrderInput,
  StockLevel,
  TimeWindow,
  WriteOptions,
} from '../../spi';
import { odooManifest } from './odoo.manifest';
import { odooConflict, odooNotFound } from './odoo-errors';
import { OdooInvoices } from './odoo-invoices';
import { OdooLookups } from './odoo-lookups';
import { OdooRpcClient } from './odoo-rpc.client';
import type { OdooCredentials, OdooSettings } from './odoo.settings';
import { fieldsOf, partnerRow, purchaseOrderRow, quantRow, type SalesOrderRow } from './odoo.schemas';
import { toMajorUnits } from './mappers/money';
import { partnerValues, toCustomer } from './mappers/to-customer';
import { toPurchaseOrder } from './mappers/to-purchase-order';
import { toSalesOrder } from './mappers/to-sales-order';
import { resilienceOptions } from '../../http/resilience-settings';

const { models } = odooManifest;

export class OdooErpConnector implements ErpConnector {
  readonly kind = 'erp';
  readonly vendor = odooManifest.vendor;
  readonly unsupported: readonly ErpOperation[] = [];
  private readonly rpc: OdooRpcClient;
  private readonly lookups: OdooLookups;
  private readonly invoices: OdooInvoices;

  constructor(
    readonly name: string,
    private readonly settings: OdooSettings,
    credentials: OdooCredentials,
  ) {
    const http = createHttpClient({
      connector: name,
      baseURL: settings.baseUrl,
      timeoutMs: settings.timeoutMs,
      ...resilienceOptions(settings),
    });
    this.rpc = new OdooRpcClient(http, { db: settings.db, login: settings.login, apiKey: credentials.apiKey }, name);
    this.lookups = new OdooLookups(this.rpc, name);
    this.invoices = new OdooInvoices(this.rpc, this.lookups, settings, name);
  }

  /** Logs in and reads one partner id: proves URL, database, login, key and read access. */
  close(): Promise<void> {
    return this.rpc.close();
  }

  async healthCheck(): Promise<void> {
    await this.rpc.searchRead(models.partner, [], ['id'], partnerRow.pick({ id: true }), { limit: 1 });
  }

  async upsertCustomer(input: CustomerInput, options: WriteOptions): Promise<Customer> {
    const customer = parseInput(customerInput, input, this.name);
    this.keyOf(options);
    // `=ilike` is case-insensitive but treats _ and % as wildcards: the exact match is picked here.
    const candidates = await this.rpc.searchRead(
      models.partner,
      [['email', '=ilike', customer.email]],
      fieldsOf(partnerRow),
      partnerRow,
      { limit: 10, order: 'id asc' },
    );
    const existing = candidates.find((row) => row.email !== false && row.email.toLowerCase() === customer.email);
    const values = partnerValues(customer);
    if (existing !== undefined) {
      await this.rpc.write(models.partner, [existing.id], values);
      return toCustomer({
        id: existing.id,
        name: customer.name,
        email: customer.email,
        ref: customer.crmContactId ?? existing.ref,
      });
    }
    const id = await this.rpc.create(models.partner, { ...values, customer_rank: 1 });
    return toCustomer({ id, name: customer.name, email: customer.email, ref: customer.crmContactId ?? false });
  }

  /** On hand minus reserved, over internal locations; an unknown SKU has none. */
  async getStock(skus: string[]): Promise<StockLevel[]> {
    const wanted = [...new Set(parseInput(skusInput, skus, this.name))];
    const products = await this.lookups.productIds(wanted);
    const available = new Map<number, number>();
    if (products.size > 0) {
      const quants = await this.rpc.searchRead(
        models.quant,
        [
          ['product_id', 'in', [...products.values()]],
          ['location_id.usage', '=', 'internal'],
        ],
        fieldsOf(quantRow),
        quantRow,
      );
      for (const quant of quants) {
        if (quant.product_id === false) continue;
        const id = quant.product_id[0];
        available.set(id, (available.get(id) ?? 0) + quant.quantity - quant.reserved_quantity);
      }
    }
    return wanted.map((sku) => {
      const id = products.get(sku);
      return { sku, available: id === undefined ? 0 : Math.max(0, Math.floor((available.get(id) ?? 0) + 1e-9)) };
    });
  }

  /** An order whose external reference (client_order_ref) exists already is returned, not created again. */
  async createSalesOrder(input: SalesOrderInput, options: WriteOptions): Promise<SalesOrder> {
    const order = parseInput(salesOrderInput, input, this.name);
    this.keyOf(options);
    const existing = await this.lookups.salesOrderByReference(order.externalReference);
    if (existing !== null) return toSalesOrder(await this.confirmed(existing));
    const partner = await this.lookups.partner(order.customerId, 'customer');
    const products = await this.lookups.requireProducts(order.lines.map((line) => line.sku));
    const pricelistId = await this.lookups.pricelistId(order.currency);
    const id = await this.rpc.create(models.salesOrder, {
      partner_id: partner.id,
      client_order_ref: order.externalReference,
      pricelist_id: pricelistId,
      order_line: order.lines.map((line) => [
        0,
        0,
        {
          product_id: products.get(line.sku),
          product_uom_qty: line.quantity,
          price_unit: toMajorUnits(line.unitAmount, order.currency),
        },
      ]),
    });
    return toSalesOrder(await this.confirmed(await this.salesOrder(String(id))));
  }

  /** Cancelling a cancelled order changes nothing. */
  async cancelSalesOrder(salesOrderId: string, options: WriteOptions): Promise<SalesOrder> {
    this.keyOf(options);
    const order = await this.salesOrder(salesOrderId);
    if (order.state === 'cancel') return toSalesOrder(order);
    // Odoo 16+ answers a confirmed order's action_cancel with a wizard unless told not to.
    await this.rpc.action(models.salesOrder, 'action_cancel', [order.id], { disable_cancel_warning: true });
    const after = await this.salesOrder(salesOrderId);
    if (after.state !== 'cancel')
      throw odooConflict(this.name, `Odoo did not cancel sales order ${after.name} (state ${after.state})`);
    return toSalesOrder(after);
  }

  async createInvoice(input: InvoiceInput, options: WriteOptions): Promise<Invoice> {
    return this.invoices.create(parseInput(invoiceInput, input, this.name), this.keyOf(options));
  }

  /** Cancelling a cancelled invoice changes nothing (see OdooInvoices.cancel). */
  async cancelInvoice(invoiceId: string, options: WriteOptions): Promise<Invoice> {
    this.keyOf(options);
    return this.invoices.cancel(invoiceId);
  }

  async listInvoices(window: TimeWindow, cursor: string | null): Promise<Page<Invoice>> {
    return this.invoices.list(parseInput(timeWindowInput, window, this.name), cursor);
  }

  /** A purchase order whose external reference (partner_ref) exists already is returned, not created again. */
  async createPurchaseOrder(input: PurchaseOrderInput, options: WriteOptions): Promise<PurchaseOrder> {
    const order = parseInput(purchaseOrderInput, input, this.name);
    this.keyOf(options);
    const byReference = () =>
      this.rpc.searchRead(
        models.purchaseOrder,
        [['partner_ref', '=', order.externalReference]],
        fieldsOf(purchaseOrderRow),
        purchaseOrderRow,
        { limit: 1, order: 'id asc' },
      );
    let [row] = await byReference();
    if (row === undefined) {
      const supplierId = await this.lookups.supplierId(order.supplier);
      const products = await this.lookups.requireProducts(order.lines.map((line) => line.sku));
      await this.rpc.create(models.purchaseOrder, {
        partner_id: supplierId,
        partner_ref: order.externalReference,
        currency_id: await this.lookups.currencyId(order.currency),
        order_line: order.lines.map((line) => [
          0,
          0,
          {
            product_id: products.get(line.sku),
            product_qty: line.quantity,
            price_unit: toMajorUnits(line.unitAmount, order.currency),
          },
        ]),
      });
      [row] = await byReference();
      if (row === undefined) throw odooNotFound(this.name, 'purchase order', order.externalReference);
    }
    if (row.state === 'draft' && this.settings.confirmPurchaseOrders)
      await this.rpc.action(models.purchaseOrder, 'button_confirm', [row.id]);
    return toPurchaseOrder(row);
  }

  private keyOf(options: WriteOptions): string {
    return parseInput(idempotencyKeyInput, options?.idempotencyKey, this.name);
  }

  private async salesOrder(id: string): Promise<SalesOrderRow> {
    const order = await this.lookups.salesOrder(id);
    if (order === null) throw odooNotFound(this.name, 'sales order', id);
    return order;
  }

  /** Confirms a quotation (when settings.confirmSalesOrders), which reserves its stock. */
  private async confirmed(order: SalesOrderRow): Promise<SalesOrderRow> {
    if (!this.settings.confirmSalesOrders || (order.state !== 'draft' && order.state !== 'sent')) return order;
    await this.rpc.action(models.salesOrder, 'action_confirm', [order.id]);
    return this.salesOrder(String(order.id));
  }
}
