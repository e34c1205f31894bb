/**
 * Matching invoices to payments: a pure, deterministic function (same lists in any order → the
 * same rows in the same order), so reconciling a window twice gives the same report.
 *
 * The rules:
 * - **Key.** A payment belongs to an invoice when its `reference` equals the invoice's `number`
 *   (what a customer writes on a transfer, what a checkout puts in the payment's metadata), or
 *   else the invoice's `salesOrderId` (a checkout that pays before the invoice exists knows only
 *   the order). Compared trimmed and case-insensitively. A reference that names the sales order
 *   of several invoices in the window is ambiguous: the payment is an unknown payment.
 * - **Money.** Only money kept counts: `capturedAmount - refundedAmount`. Payments that never
 *   captured anything (authorized, voided) are ignored and only counted in the summary.
 * - **Currency.** Only payments in the invoice's currency pay it. A payment whose reference
 *   names an invoice in another currency is an unknown payment with a `currency mismatch` note,
 *   and the invoice is classified on its other payments (unpaid if none).
 * - **Class** of an invoice with `paid` kept against `total`: unpaid when nothing is kept,
 *   matched within ±tolerance, underpaid below, overpaid above. Every counted payment without an
 *   invoice is one unknown_payment row (also when refunded in full: money moved).
 */
import type { Invoice, Payment } from '../../connectors/spi';
import {
  RECONCILIATION_CLASSES,
  type CurrencyTotals,
  type ReconciliationClass,
  type ReconciliationRow,
  type ReconciliationSummary,
} from '../../workflows/invoice-reconciliation/invoice-reconciliation.types';

export interface ReconcileOptions {
  /** Largest |paid - total| in minor units still counted as matched (default 0). */
  tolerance?: number;
}

export interface Reconciliation {
  rows: ReconciliationRow[];
  summary: ReconciliationSummary;
}

function keyOf(reference: string): string {
  return reference.trim().toLowerCase();
}

function netAmount(payment: Payment): number {
  return payment.capturedAmount - payment.refundedAmount;
}

/** Code-point order: the same on every machine, unlike localeCompare. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const byId = <T extends { id: string }>(a: T, b: T) => compareText(a.id, b.id);

/** Finds the invoice a payment reference names: by number first, then by a sales order only one invoice has. */
function invoiceIndex(invoices: readonly Invoice[]): (reference: string) => Invoice | 'ambiguous' | undefined {
  const byNumber = new Map<string, Invoice>();
  const bySalesOrder = new Map<string, Invoice[]>();
  for (const invoice of invoices) {
    if (invoice.number.trim() !== '') byNumber.set(keyOf(invoice.number), invoice);
    if (invoice.salesOrderId.trim() === '') continue;
    const key = keyOf(invoice.salesOrderId);
    bySalesOrder.set(key, [...(bySalesOrder.get(key) ?? []), invoice]);
  }
  return (reference) => {
    const key = keyOf(reference);
    if (key === '') return undefined;
    const numbered = byNumber.get(key);
    if (numbered) return numbered;
    const ordered = bySalesOrder.get(key);
    if (!ordered) return undefined;
    return ordered.length === 1 ? ordered[0] : 'ambiguous';
  };
}

function classify(total: number, paid: number, tolerance: number): ReconciliationClass {
  if (paid <= 0 && total > 0) return 'unpaid';
  if (Math.abs(paid - total) <= tolerance) return 'matched';
  return paid < total ? 'underpaid' : 'overpaid';
}

function unknownPayment(payment: Payment, note: string | null): ReconciliationRow {
  return {
    class: 'unknown_payment',
    reference: payment.reference,
    invoiceId: null,
    invoiceNumber: null,
    invoiceTotal: null,
    paidAmount: netAmount(payment),
    currency: payment.amount.currency,
    paymentIds: [payment.id],
    note: note ?? (payment.refundedAmount > 0 && netAmount(payment) === 0 ? 'refunded in full' : null),
  };
}

function invoiceNote(cls: ReconciliationClass, linked: readonly Payment[]): string | null {
  if (cls === 'unpaid' && linked.length > 0) return 'payments refunded in full';
  const refunded = linked.some((payment) => payment.refundedAmount > 0);
  return refunded ? 'after refunds' : null;
}

const CLASS_ORDER = new Map(RECONCILIATION_CLASSES.map((cls, index) => [cls, index]));

function compareRows(a: ReconciliationRow, b: ReconciliationRow): number {
  return (
    (CLASS_ORDER.get(a.class) ?? 0) - (CLASS_ORDER.get(b.class) ?? 0) ||
    compareText(a.reference, b.reference) ||
    compareText(a.invoiceId ?? '', b.invoiceId ?? '') ||
    compareText(a.paymentIds.join(' '), b.paymentIds.join(' '))
  );
}

function totalsOf(invoices: readonly Invoice[], counted: readonly Payment[]): CurrencyTotals[] {
  const totals = new Map<string, CurrencyTotals>();
  const entry = (currency: string) => {
    let found = totals.get(currency);
    if (!found) totals.set(currency, (found = { currency, invoiced: 0, received: 0 }));
    return found;
  };
  for (const invoice of invoices) entry(invoice.total.currency).invoiced += invoice.total.amount;
  for (const payment of counted) entry(payment.amount.currency).received += netAmount(payment);
  return [...totals.values()].sort((a, b) => compareText(a.currency, b.currency));
}

export function reconcile(
  invoiceList: readonly Invoice[],
  paymentList: readonly Payment[],
  options: ReconcileOptions = {},
): Reconciliation {
  const tolerance = options.tolerance ?? 0;
  // Sorted first so that ties (duplicate numbers, ambiguous references) resolve the same way however the vendor paged.
  const invoices = [...invoiceList].sort(byId);
  const payments = [...paymentList].sort(byId);
  const counted = payments.filter((payment) => payment.capturedAmount > 0);
  const find = invoiceIndex(invoices);

  const linked = new Map<string, Payment[]>();
  const rows: ReconciliationRow[] = [];
  for (const payment of counted) {
    const invoice = find(payment.reference);
    if (invoice === undefined) rows.push(unknownPayment(payment, null));
    else if (invoice === 'ambiguous')
      rows.push(unknownPayment(payment, 'reference names the sales order of several invoices'));
    else if (invoice.total.currency !== payment.amount.currency) {
      rows.push(
        unknownPayment(payment, `currency mismatch: invoice ${invoice.number} is in ${invoice.total.currency}`),
      );
    } else linked.set(invoice.id, [...(linked.get(invoice.id) ?? []), payment]);
  }

  for (const invoice of invoices) {
    const paidWith = linked.get(invoice.id) ?? [];
    const paid = paidWith.reduce((sum, payment) => sum + netAmount(payment), 0);
    const cls = classify(invoice.total.amount, paid, tolerance);
    rows.push({
      class: cls,
      reference: invoice.number,
      invoiceId: invoice.id,
      invoiceNumber: invoice.number,
      invoiceTotal: invoice.total.amount,
      paidAmount: paid,
      currency: invoice.total.currency,
      paymentIds: paidWith.map((payment) => payment.id),
      note: invoiceNote(cls, paidWith),
    });
  }

  rows.sort(compareRows);
  const counts = Object.fromEntries(RECONCILIATION_CLASSES.map((cls) => [cls, 0])) as Record<
    ReconciliationClass,
    number
  >;
  for (const row of rows) counts[row.class] += 1;
  return {
    rows,
    summary: {
      counts,
      invoices: invoices.length,
      payments: payments.length,
      ignoredPayments: payments.length - counted.length,
      totals: totalsOf(invoices, counted),
    },
  };
}
