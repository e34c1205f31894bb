/**
 * Posted sales invoices → Invoice, and the time window of listInvoices → an `invoiceDate`
 * filter. BC invoices carry a date, not an instant: an invoice dated D counts as issued at
 * D 00:00 UTC, and a window [from, to) selects exactly the invoices whose instant falls in it,
 * so consecutive windows neither miss nor repeat one.
 */
import type { Invoice, TimeWindow } from '../../../spi';
import { BcPayloadError } from '../bc-errors';
import type { RawSalesInvoice } from '../bc.schemas';
import { documentTotal, NIL_GUID } from './to-sales-order';

const DAY_MS = 86_400_000;

/** Statuses of invoices not yet posted: they have no number and may still change. */
export const UNPOSTED_INVOICE_STATUSES = ['Draft', 'In Review'] as const;

/** The first UTC midnight at or after `instant`, as an OData date literal (`2024-05-31`). */
export function firstDayFrom(instant: string): string {
  const ms = Date.parse(instant);
  return new Date(Math.ceil(ms / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}

export function invoiceWindowFilter(window: TimeWindow): string {
  const posted = UNPOSTED_INVOICE_STATUSES.map((status) => `status ne '${status}'`).join(' and ');
  return `invoiceDate ge ${firstDayFrom(window.from)} and invoiceDate lt ${firstDayFrom(window.to)} and ${posted}`;
}

/** `2024-05-31` → `2024-05-31T00:00:00.000Z`; a date-time (as the spec types it) is normalised. */
function issuedAt(raw: RawSalesInvoice): string {
  if (!raw.invoiceDate) throw new BcPayloadError(`invoice ${raw.id} has no invoiceDate`);
  const instant = raw.invoiceDate.length === 10 ? `${raw.invoiceDate}T00:00:00Z` : raw.invoiceDate;
  return new Date(instant).toISOString();
}

/** BC's status of an invoice cancelled by Microsoft.NAV.cancel (a corrective credit memo offsets it). */
export const CANCELLED_INVOICE_STATUS = 'Canceled';

/** `salesOrderId` is the order it was posted from ('' for an invoice created on its own). */
export function toInvoice(raw: RawSalesInvoice, localCurrency: string): Invoice {
  const orderId = raw.orderId && raw.orderId !== NIL_GUID ? raw.orderId : '';
  const status = raw.status === CANCELLED_INVOICE_STATUS ? 'cancelled' : 'open';
  return {
    id: raw.id,
    salesOrderId: orderId,
    number: raw.number ?? '',
    total: documentTotal(raw, localCurrency),
    issuedAt: issuedAt(raw),
    status,
  };
}
