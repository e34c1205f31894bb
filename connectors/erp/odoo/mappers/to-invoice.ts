import type { Invoice } from '../../../spi';
import type { InvoiceRow } from '../odoo.schemas';
import { toMinorUnits } from './money';
import { currencyCode } from './to-sales-order';

/** Odoo datetimes are UTC without zone: `2025-03-01 08:00:00`. */
export function fromOdooDatetime(value: string): string {
  return new Date(`${value.replace(' ', 'T')}Z`).toISOString();
}

/** An ISO instant → Odoo's datetime format, truncated to the second (Odoo's precision). */
export function toOdooDatetime(iso: string): string {
  return new Date(iso).toISOString().slice(0, 19).replace('T', ' ');
}

/** `salesOrderId` is '' for an invoice that no sales order produced (invoice_origin unknown). */
export function toInvoice(row: InvoiceRow, salesOrderId: string): Invoice {
  const currency = currencyCode(row.currency_id);
  return {
    id: String(row.id),
    salesOrderId,
    number: row.name === false ? '' : row.name,
    total: { amount: toMinorUnits(row.amount_total, currency), currency },
    issuedAt: fromOdooDatetime(row.create_date),
    status: row.state === 'cancel' ? 'cancelled' : 'open',
  };
}
