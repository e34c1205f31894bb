/**
 * Customer invoices (account.move, move_type out_invoice). `sale.order._create_invoices` is
 * private and Odoo refuses private methods over RPC, so the invoice is created directly from the
 * order's lines, each linked to its order line (`sale_line_ids`) so the order shows it as
 * invoiced; `invoice_origin` holds the order's name. Idempotency: lookup-before-write on
 * (invoice_origin, ref = idempotency key).
 */
import { z } from 'zod';
import type { Invoice, InvoiceInput, Page, TimeWindow } from '../../spi';
import { odooManifest } from './odoo.manifest';
import { odooConflict, odooId, odooInvalid, odooNotFound } from './odoo-errors';
import type { OdooLookups } from './odoo-lookups';
import type { OdooRpcClient } from './odoo-rpc.client';
import type { OdooSettings } from './odoo.settings';
import {
  fieldsOf,
  invoiceRow,
  salesOrderLineRow,
  salesOrderRow,
  type InvoiceRow,
  type OdooDomain,
} from './odoo.schemas';
import { toMinorUnits } from './mappers/money';
import { currencyCode } from './mappers/to-sales-order';
import { toInvoice, toOdooDatetime } from './mappers/to-invoice';
import { decodePageCursor, encodePageCursor } from '../../page-cursor';

const { models } = odooManifest;
const cursorPayload = z.object({ o: z.number().int().nonnegative(), w: z.string() });

export class OdooInvoices {
  constructor(
    private readonly rpc: OdooRpcClient,
    private readonly lookups: OdooLookups,
    private readonly settings: OdooSettings,
    private readonly instance: string,
  ) {}

  async create(input: InvoiceInput, key: string): Promise<Invoice> {
    const order = await this.lookups.salesOrder(input.salesOrderId);
    if (order === null) throw odooNotFound(this.instance, 'sales order', input.salesOrderId);
    const [existing] = await this.rpc.searchRead(
      models.invoice,
      this.byKey(order.name, key),
      fieldsOf(invoiceRow),
      invoiceRow,
      { limit: 1 },
    );
    if (existing !== undefined) return toInvoice(await this.posted(existing), String(order.id));
    if (order.partner_id === false || String(order.partner_id[0]) !== input.customerId)
      throw odooInvalid(this.instance, `customerId does not match sales order ${order.id}`);
    if (order.state === 'cancel') throw odooConflict(this.instance, `Sales order ${order.name} is cancelled`);
    const currency = currencyCode(order.currency_id);
    if (input.total.currency !== currency || input.total.amount !== toMinorUnits(order.amount_total, currency)) {
      throw odooInvalid(
        this.instance,
        `total ${input.total.amount} ${input.total.currency} does not match sales order ${order.name} (${order.amount_total} ${currency})`,
      );
    }
    const lines = await this.rpc.searchRead(
      models.salesOrderLine,
      [['order_id', '=', order.id]],
      fieldsOf(salesOrderLineRow),
      salesOrderLineRow,
      { order: 'id asc' },
    );
    const id = await this.rpc.create(models.invoice, {
      move_type: 'out_invoice',
      partner_id: order.partner_id[0],
      currency_id: order.currency_id === false ? false : order.currency_id[0],
      invoice_origin: order.name,
      ref: key,
      invoice_line_ids: lines.map((line) => [
        0,
        0,
        {
          product_id: line.product_id === false ? false : line.product_id[0],
          quantity: line.product_uom_qty,
          price_unit: line.price_unit,
          sale_line_ids: [[6, 0, [line.id]]],
        },
      ]),
    });
    return toInvoice(await this.posted(await this.read(id)), String(order.id));
  }

  /**
   * Cancels a customer invoice as Odoo 16/17 do from the form: a posted move is reset to draft
   * (`button_draft`, which also unreconciles any payment), then cancelled (`button_cancel`). An
   * invoice in state cancel is returned as it is, since Odoo refuses to cancel it again; one
   * interrupted after button_draft is found in draft and only cancelled.
   */
  async cancel(invoiceId: string): Promise<Invoice> {
    const row = await this.read(odooId(invoiceId, this.instance, 'invoice'));
    if (row.move_type !== 'out_invoice') throw odooNotFound(this.instance, 'invoice', invoiceId);
    if (row.state !== 'cancel') {
      if (row.state === 'posted') await this.rpc.action(models.invoice, 'button_draft', [row.id]);
      await this.rpc.action(models.invoice, 'button_cancel', [row.id]);
    }
    const after = row.state === 'cancel' ? row : await this.read(row.id);
    if (after.state !== 'cancel')
      throw odooConflict(
        this.instance,
        `Odoo did not cancel invoice ${after.name === false ? after.id : after.name} (state ${after.state})`,
      );
    return toInvoice(
      after,
      (await this.orderIdsByName([after])).get(after.invoice_origin === false ? '' : after.invoice_origin) ?? '',
    );
  }

  /**
   * Invoices created in the window (Odoo keeps create_date to the second), oldest first,
   * `settings.pageSize` per page, paged by offset. Cancelled invoices are left out.
   */
  async list(window: TimeWindow, cursor: string | null): Promise<Page<Invoice>> {
    const w = `${window.from}|${window.to}`;
    const offset = this.decode(cursor, w);
    const domain: OdooDomain = [
      ['move_type', '=', 'out_invoice'],
      ['state', '!=', 'cancel'],
      ['create_date', '>=', toOdooDatetime(window.from)],
      ['create_date', '<', toOdooDatetime(window.to)],
    ];
    const limit = this.settings.pageSize;
    const rows = await this.rpc.searchRead(models.invoice, domain, fieldsOf(invoiceRow), invoiceRow, {
      order: 'create_date asc, id asc',
      offset,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const orderIds = await this.orderIdsByName(page);
    const nextCursor = rows.length > limit ? encodePageCursor({ o: offset + limit, w }) : null;
    return {
      items: page.map((row) =>
        toInvoice(row, orderIds.get(row.invoice_origin === false ? '' : row.invoice_origin) ?? ''),
      ),
      nextCursor,
    };
  }

  private byKey(origin: string, key: string): OdooDomain {
    return [
      ['move_type', '=', 'out_invoice'],
      ['invoice_origin', '=', origin],
      ['ref', '=', key],
    ];
  }

  /** `read` by id: Odoo answers an unknown id with MissingError, which is NOT_FOUND. */
  private async read(id: number): Promise<InvoiceRow> {
    const [row] = await this.rpc.read(models.invoice, [id], fieldsOf(invoiceRow), invoiceRow);
    if (row === undefined) throw odooNotFound(this.instance, 'invoice', String(id));
    return row;
  }

  /** Posts a draft invoice (when settings.postInvoices): posting gives it its number. */
  private async posted(row: InvoiceRow): Promise<InvoiceRow> {
    if (row.state !== 'draft' || !this.settings.postInvoices) return row;
    await this.rpc.action(models.invoice, 'action_post', [row.id]);
    return this.read(row.id);
  }

  private async orderIdsByName(rows: InvoiceRow[]): Promise<Map<string, string>> {
    const names = [
      ...new Set(rows.map((row) => row.invoice_origin).filter((name): name is string => name !== false && name !== '')),
    ];
    if (names.length === 0) return new Map();
    const orders = await this.rpc.searchRead(
      models.salesOrder,
      [['name', 'in', names]],
      ['name'],
      salesOrderRow.pick({ id: true, name: true }),
    );
    return new Map(orders.map((order) => [order.name, String(order.id)]));
  }

  private decode(cursor: string | null, window: string): number {
    if (cursor === null || cursor === '') return 0;
    const payload = decodePageCursor(cursorPayload, cursor, this.instance);
    if (payload.w !== window)
      throw odooInvalid(this.instance, 'cursor is not one this connector issued for this window');
    return payload.o;
  }
}
