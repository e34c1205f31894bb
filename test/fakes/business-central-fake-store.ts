/**
 * The records and business rules of the Business Central fake: customers (blockable), items
 * with inventory, sales orders with lines and totals (19 % tax on top), shipAndInvoice posting
 * an invoice and deleting the order, as BC does, and cancel posting a corrective credit memo
 * against a posted invoice. Errors come as `{ error: { code, message } }`.
 */
import { randomUUID } from 'node:crypto';
import type { FakeRecord } from './business-central-fake-odata';

export interface FakeAnswer {
  status: number;
  body?: unknown;
}

export function bcError(status: number, code: string, message: string): FakeAnswer {
  return { status, body: { error: { code, message } } };
}

export const TAX_RATE = 0.19;
const round2 = (value: number) => Math.round(value * 100) / 100;
const ENTITY_SETS = [
  'customers',
  'items',
  'salesOrders',
  'salesOrderLines',
  'salesInvoices',
  'salesCreditMemos',
] as const;
export type EntitySet = (typeof ENTITY_SETS)[number];

export class BcFakeStore {
  readonly sets: Record<EntitySet, Map<string, FakeRecord>> = {
    customers: new Map(),
    items: new Map(),
    salesOrders: new Map(),
    salesOrderLines: new Map(),
    salesInvoices: new Map(),
    salesCreditMemos: new Map(),
  };
  /** Ids of invoices e-mailed with Microsoft.NAV.send. */
  readonly sent: string[] = [];
  private counter = 1000;
  /** The work date BC stamps on posted invoices (`YYYY-MM-DD`). */
  workDate = new Date().toISOString().slice(0, 10);

  static isEntitySet(name: string): name is EntitySet {
    return (ENTITY_SETS as readonly string[]).includes(name);
  }

  addItem(number: string, inventory: number): FakeRecord {
    return this.insert('items', { number: number.toUpperCase(), displayName: number, inventory, unitPrice: 0 });
  }

  /** An invoice as if posted in BC's UI on `invoiceDate`, not from an order. */
  addPostedInvoice(invoiceDate: string, totalExcludingTax: number): FakeRecord {
    return this.insert('salesInvoices', {
      number: this.number('PSI'),
      invoiceDate,
      orderId: '00000000-0000-0000-0000-000000000000',
      currencyCode: '',
      pricesIncludeTax: false,
      ...this.totals(totalExcludingTax),
      status: 'Open',
    });
  }

  /** An unposted invoice (status Draft), as created in BC's UI or by POST salesInvoices. */
  addDraftInvoice(totalExcludingTax: number): FakeRecord {
    return this.insert('salesInvoices', {
      number: this.number('S-INV'),
      invoiceDate: this.workDate,
      orderId: '00000000-0000-0000-0000-000000000000',
      currencyCode: '',
      pricesIncludeTax: false,
      ...this.totals(totalExcludingTax),
      status: 'Draft',
    });
  }

  insert(set: EntitySet, fields: FakeRecord): FakeRecord {
    const record: FakeRecord = { id: randomUUID(), ...fields, '@odata.etag': this.etag() };
    this.sets[set].set(String(record.id), record);
    return record;
  }

  /** POST rules per entity set; answers a 4xx for what BC refuses. */
  create(set: EntitySet, body: FakeRecord, parentId?: string): FakeRecord | FakeAnswer {
    if (set === 'customers')
      return this.insert(set, {
        number: this.number('C'),
        displayName: body.displayName ?? '',
        email: body.email ?? '',
        blocked: ' ',
      });
    if (set === 'salesOrders') {
      const customer = this.sets.customers.get(String(body.customerId));
      if (!customer)
        return bcError(
          400,
          'Internal_RecordNotFound',
          `The Customer does not exist. Identification fields and values: Id='${String(body.customerId)}'`,
        );
      if (customer.blocked === 'All')
        return bcError(
          400,
          'Application_DialogException',
          `You cannot create this type of document when Customer ${String(customer.number)} is blocked with type All`,
        );
      const reference = String(body.externalDocumentNumber ?? '').toUpperCase(); // a Code[35] field
      return this.insert(set, {
        number: this.number('S-ORD'),
        externalDocumentNumber: reference,
        customerId: customer.id,
        currencyCode: body.currencyCode ?? '',
        pricesIncludeTax: false,
        ...this.totals(0),
        status: 'Draft',
      });
    }
    if (set === 'salesOrderLines' && parentId !== undefined) {
      const order = this.sets.salesOrders.get(parentId);
      if (!order) return bcError(404, 'BadRequest_NotFound', 'The sales order does not exist.');
      if (!this.sets.items.has(String(body.itemId)))
        return bcError(400, 'Internal_RecordNotFound', 'The Item does not exist.');
      const sequence = typeof body.sequence === 'number' ? body.sequence : (this.linesOf(parentId).length + 1) * 10_000;
      const line = {
        id: `${parentId}-${sequence}`,
        documentId: parentId,
        sequence,
        itemId: body.itemId,
        lineType: 'Item',
        quantity: body.quantity,
        unitPrice: body.unitPrice,
      };
      if (this.sets.salesOrderLines.has(line.id))
        return bcError(400, 'Internal_EntityWithSameKeyExists', 'The record already exists.');
      this.sets.salesOrderLines.set(line.id, line);
      this.retotal(order);
      return line;
    }
    return bcError(405, 'BadRequest_MethodNotAllowed', `POST ${set} is not supported by the fake`);
  }

  linesOf(orderId: string): FakeRecord[] {
    return [...this.sets.salesOrderLines.values()].filter((line) => line.documentId === orderId);
  }

  deleteOrder(orderId: string): void {
    for (const line of this.linesOf(orderId)) this.sets.salesOrderLines.delete(String(line.id));
    this.sets.salesOrders.delete(orderId);
  }

  /** Posts shipment and invoice: the invoice keeps the order's id, the order is gone. */
  shipAndInvoice(orderId: string): FakeAnswer {
    const order = this.sets.salesOrders.get(orderId);
    if (!order) return bcError(404, 'BadRequest_NotFound', 'The sales order does not exist.');
    const lines = this.linesOf(orderId);
    if (lines.length === 0) return bcError(400, 'Application_DialogException', 'There is nothing to post.');
    for (const line of lines) {
      const item = this.sets.items.get(String(line.itemId));
      if (item) item.inventory = Number(item.inventory) - Number(line.quantity);
    }
    const { id: _id, number: _number, status: _status, externalDocumentNumber, ...rest } = order;
    this.insert('salesInvoices', {
      ...rest,
      number: this.number('PSI'),
      externalDocumentNumber,
      invoiceDate: this.workDate,
      orderId,
      status: 'Open',
    });
    this.deleteOrder(orderId);
    return { status: 204 };
  }

  /**
   * Microsoft.NAV.cancel on an invoice, with BC's rules (Sales Invoice Entity, Correct Posted
   * Sales Invoice): only a posted invoice, not one Canceled already; a corrective credit memo
   * for the whole invoice is posted and applied, the invoice becomes Canceled and owes nothing.
   */
  cancelInvoice(invoiceId: string): FakeAnswer {
    const invoice = this.sets.salesInvoices.get(invoiceId);
    if (!invoice) return bcError(404, 'BadRequest_NotFound', 'The invoice does not exist.');
    if (invoice.status === 'Draft' || invoice.status === 'In Review')
      return bcError(400, 'Application_DialogException', 'The action can be applied to a posted invoice only.');
    if (invoice.status === 'Canceled')
      return bcError(
        400,
        'Application_DialogException',
        'The invoice cannot be canceled because it has already been canceled.',
      );
    const {
      customerId,
      currencyCode,
      pricesIncludeTax,
      totalAmountExcludingTax,
      totalTaxAmount,
      totalAmountIncludingTax,
    } = invoice;
    this.insert('salesCreditMemos', {
      number: this.number('PSCM'),
      creditMemoDate: this.workDate,
      customerId,
      invoiceId,
      invoiceNumber: invoice.number,
      currencyCode,
      pricesIncludeTax,
      totalAmountExcludingTax,
      totalTaxAmount,
      totalAmountIncludingTax,
      status: 'Corrective',
    });
    Object.assign(invoice, { status: 'Canceled', remainingAmount: 0, '@odata.etag': this.etag() });
    return { status: 204 };
  }

  patch(record: FakeRecord, body: FakeRecord): FakeRecord {
    Object.assign(record, body, { id: record.id, '@odata.etag': this.etag() });
    return record;
  }

  private retotal(order: FakeRecord): void {
    const net = this.linesOf(String(order.id)).reduce(
      (sum, line) => sum + Number(line.quantity) * Number(line.unitPrice),
      0,
    );
    Object.assign(order, this.totals(net), { '@odata.etag': this.etag() });
  }

  private totals(net: number): FakeRecord {
    const tax = round2(net * TAX_RATE);
    return { totalAmountExcludingTax: round2(net), totalTaxAmount: tax, totalAmountIncludingTax: round2(net + tax) };
  }

  private number(prefix: string): string {
    this.counter += 1;
    return `${prefix}${this.counter}`;
  }

  private etag(): string {
    return `W/"JzE5OzE${(this.counter += 1)}Oyc="`;
  }
}
