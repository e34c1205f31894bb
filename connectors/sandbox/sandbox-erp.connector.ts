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
} from '../spi';
import {
  customerResult,
  type DataOf,
  customers,
  invoiceResult,
  invoices,
  purchaseOrderResult,
  purchaseOrders,
  salesOrderResult,
  salesOrders,
  sequences,
} from './sandbox-collections';
import { SandboxConnectorBase } from './sandbox-connector-base';
import { decodeCursor, encodeCursor } from './sandbox-cursor';
import { conflict, invalidRequest, notFound } from './sandbox-errors';
import {
  customerInput,
  definedFields,
  invoiceInput,
  parseInput,
  purchaseOrderInput,
  salesOrderInput,
  skusInput,
  timeWindowInput,
} from '../inputs';
import { availableStock, releaseStock, reserveStock } from './sandbox-stock';
import type { SandboxDoc } from './sandbox-store';

type SalesOrderData = DataOf<typeof salesOrders>;
type InvoiceData = DataOf<typeof invoices>;

function toCustomer(doc: SandboxDoc<Omit<Customer, 'id'>>): Customer {
  return { ...doc.data, id: doc.id };
}

function toSalesOrder(doc: SandboxDoc<SalesOrderData>): SalesOrder {
  return { id: doc.id, externalReference: doc.data.externalReference, status: doc.data.status, total: doc.data.total };
}

function toInvoice(doc: SandboxDoc<InvoiceData>): Invoice {
  return {
    id: doc.id,
    salesOrderId: doc.data.salesOrderId,
    number: doc.data.number,
    total: doc.data.total,
    issuedAt: doc.createdAt.toISOString(),
    status: doc.data.status,
  };
}

/** `INV-000123`: per instance, gap-free, in issue order. */
export function invoiceNumber(sequence: number): string {
  return `INV-${String(sequence).padStart(6, '0')}`;
}

/**
 * The sandbox ERP: customers upserted by email, stock levels with reservations, sales orders
 * and purchase orders deduplicated by external reference, numbered invoices.
 */
export class SandboxErpConnector extends SandboxConnectorBase<'erp'> implements ErpConnector {
  readonly kind = 'erp';
  readonly unsupported: readonly ErpOperation[] = [];

  async upsertCustomer(input: CustomerInput, options: WriteOptions): Promise<Customer> {
    const customer = parseInput(customerInput, input, this.name);
    return this.write('upsertCustomer', options, customerResult, async (tx) => {
      const existing = await this.store.getByNaturalKey(customers, customer.email, tx);
      if (existing)
        return toCustomer(
          await this.store.replace(customers, existing, { ...existing.data, ...definedFields(customer) }, tx),
        );
      return toCustomer(
        await this.store.insert(
          customers,
          { naturalKey: customer.email, idempotencyKey: options.idempotencyKey, data: customer },
          tx,
        ),
      );
    });
  }

  async getStock(skus: string[]): Promise<StockLevel[]> {
    const wanted = parseInput(skusInput, skus, this.name);
    return this.call('getStock', async () => {
      const levels = await availableStock(this.store, wanted);
      return [...levels].map(([sku, available]) => ({ sku, available }));
    });
  }

  /** An order whose external reference exists already is returned, not created again. */
  async createSalesOrder(input: SalesOrderInput, options: WriteOptions): Promise<SalesOrder> {
    const order = parseInput(salesOrderInput, input, this.name);
    return this.write('createSalesOrder', options, salesOrderResult, async (tx) => {
      const existing = await this.store.getByNaturalKey(salesOrders, order.externalReference, tx);
      if (existing) return toSalesOrder(existing);
      if (!(await this.store.get(customers, order.customerId, tx)))
        throw notFound(this.name, 'customer', order.customerId);
      const reserved = await reserveStock(this.store, order.lines, tx);
      const amount = order.lines.reduce((sum, line) => sum + line.quantity * line.unitAmount, 0);
      const doc = await this.store.insert(
        salesOrders,
        {
          naturalKey: order.externalReference,
          idempotencyKey: options.idempotencyKey,
          data: { ...order, status: 'open' as const, total: { amount, currency: order.currency }, reserved },
        },
        tx,
      );
      return toSalesOrder(doc);
    });
  }

  /** Cancelling gives the reserved stock back; cancelling a cancelled order changes nothing. */
  async cancelSalesOrder(salesOrderId: string, options: WriteOptions): Promise<SalesOrder> {
    return this.write('cancelSalesOrder', options, salesOrderResult, async (tx) => {
      const order = await this.store.get(salesOrders, salesOrderId, tx);
      if (!order) throw notFound(this.name, 'sales order', salesOrderId);
      if (order.data.status === 'cancelled') return toSalesOrder(order);
      await releaseStock(this.store, order.data.reserved, tx);
      return toSalesOrder(
        await this.store.replace(salesOrders, order, { ...order.data, status: 'cancelled', reserved: [] }, tx),
      );
    });
  }

  async createInvoice(input: InvoiceInput, options: WriteOptions): Promise<Invoice> {
    const invoice = parseInput(invoiceInput, input, this.name);
    return this.write('createInvoice', options, invoiceResult, async (tx) => {
      const order = await this.store.get(salesOrders, invoice.salesOrderId, tx);
      if (!order) throw notFound(this.name, 'sales order', invoice.salesOrderId);
      if (order.data.customerId !== invoice.customerId)
        throw invalidRequest(this.name, `customerId does not match sales order ${order.id}`);
      if (order.data.status === 'cancelled') throw conflict(this.name, `Sales order ${order.id} is cancelled`);
      const number = invoiceNumber(await this.store.nextSequenceValue('invoice', tx, sequences));
      const doc = await this.store.insert(
        invoices,
        {
          naturalKey: number,
          idempotencyKey: options.idempotencyKey,
          data: { ...invoice, number, status: 'open' as const },
        },
        tx,
      );
      return toInvoice(doc);
    });
  }

  /** The invoice keeps its number (numbers stay gap-free) and is marked cancelled. */
  async cancelInvoice(invoiceId: string, options: WriteOptions): Promise<Invoice> {
    return this.write('cancelInvoice', options, invoiceResult, async (tx) => {
      const invoice = await this.store.get(invoices, invoiceId, tx);
      if (!invoice) throw notFound(this.name, 'invoice', invoiceId);
      if (invoice.data.status === 'cancelled') return toInvoice(invoice);
      return toInvoice(await this.store.replace(invoices, invoice, { ...invoice.data, status: 'cancelled' }, tx));
    });
  }

  /** Invoices issued in the window, oldest first, `settings.pageSize` per page. */
  async listInvoices(window: TimeWindow, cursor: string | null): Promise<Page<Invoice>> {
    const { from, to } = parseInput(timeWindowInput, window, this.name);
    const after = decodeCursor(cursor, this.name);
    return this.call('listInvoices', async () => {
      const { docs, next } = await this.store.page(invoices, {
        orderBy: 'createdAt',
        window: { from: new Date(from), to: new Date(to) },
        after,
        limit: this.settings.pageSize,
      });
      return { items: docs.map(toInvoice), nextCursor: next ? encodeCursor(next) : null };
    });
  }

  async createPurchaseOrder(input: PurchaseOrderInput, options: WriteOptions): Promise<PurchaseOrder> {
    const order = parseInput(purchaseOrderInput, input, this.name);
    return this.write('createPurchaseOrder', options, purchaseOrderResult, async (tx) => {
      const existing =
        (await this.store.getByNaturalKey(purchaseOrders, order.externalReference, tx)) ??
        (await this.store.insert(
          purchaseOrders,
          { naturalKey: order.externalReference, idempotencyKey: options.idempotencyKey, data: order },
          tx,
        ));
      return { id: existing.id, externalReference: existing.data.externalReference };
    });
  }
}
