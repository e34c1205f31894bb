/**
 * Zod-free types and helpers of invoiceReconciliation: safe to import from workflow code (the
 * window arithmetic is pure UTC date maths, deterministic in the sandbox).
 */
import type { TimeWindow } from '../../connectors/spi';
export type { InvoiceReconciliationInput, ReconciliationPeriod } from './invoice-reconciliation.input';

/**
 * Rows the workflow keeps (in its result and the `report` query). The CSV attachment always has
 * every row; the history keeps exceptions first, so a large clean window cannot bloat it.
 */
export const MAX_ROWS_IN_HISTORY = 1_000;

export const RECONCILIATION_CLASSES = ['unknown_payment', 'unpaid', 'underpaid', 'overpaid', 'matched'] as const;
/** Listed in this order in the report: what needs a person first. */
export type ReconciliationClass = (typeof RECONCILIATION_CLASSES)[number];

/** One line of the report: an invoice with the payments matched to it, or a payment without one. */
export interface ReconciliationRow {
  class: ReconciliationClass;
  /** The invoice number for invoice rows; the payment's own reference for unknown payments. */
  reference: string;
  invoiceId: string | null;
  invoiceNumber: string | null;
  /** Minor units; null for unknown payments. */
  invoiceTotal: number | null;
  /** Captured minus refunded, minor units, of the payments in `paymentIds`. */
  paidAmount: number;
  currency: string;
  paymentIds: string[];
  /** Why a row is what it is when the class alone does not say (currency mismatch, refunds …). */
  note: string | null;
}

export interface CurrencyTotals {
  currency: string;
  /** Sum of the invoice totals in the window. */
  invoiced: number;
  /** Sum of the captured-minus-refunded amounts of the payments in the window. */
  received: number;
}

export interface ReconciliationSummary {
  counts: Record<ReconciliationClass, number>;
  invoices: number;
  payments: number;
  /** Payments that never moved money (authorized only, voided): listed nowhere, counted here. */
  ignoredPayments: number;
  totals: CurrencyTotals[];
}

export interface ReconciliationReport {
  window: TimeWindow;
  summary: ReconciliationSummary;
  /** At most MAX_ROWS_IN_HISTORY rows, exceptions first; the CSV has all `rowCount`. */
  rows: ReconciliationRow[];
  rowCount: number;
  rowsTruncated: boolean;
  email: { messageId: string; to: string[]; attachment: string };
}

/** `2024-01-31T23:00:00.000Z` → `20240131T230000Z` (milliseconds kept only when present). */
export function compactInstant(iso: string): string {
  return new Date(iso).toISOString().replace(/[-:]/g, '').replace('.000Z', 'Z').replace('.', '');
}

/**
 * The same window always gives the same ID, whatever offset or precision the caller wrote it
 * with: `reconciliation-20240101T000000Z-20240201T000000Z`.
 */
export function reconciliationWorkflowId(window: TimeWindow): string {
  return `reconciliation-${reconciliationBusinessKey(window)}`;
}

/** `20240101T000000Z-20240201T000000Z`: the BusinessKey search attribute of a window's run. */
export function reconciliationBusinessKey(window: TimeWindow): string {
  return `${compactInstant(window.from)}-${compactInstant(window.to)}`;
}

/**
 * The report email's idempotency key. It derives from the window, not from the run, so a second
 * run over the same window (a repeated schedule, a start under another ID) sends nothing again.
 */
export function reconciliationReportKey(window: TimeWindow): string {
  return `${reconciliationWorkflowId(window)}:report`;
}

/** The window in canonical UTC form (`…T00:00:00.000Z`), as the connectors receive it. */
export function canonicalWindow(window: TimeWindow): TimeWindow {
  return { from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString() };
}

const DAY_MS = 86_400_000;

function startOfUtcDay(at: Date): number {
  return Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
}

/**
 * The last full UTC period before `at`: `previousDay` is yesterday, `previousWeek` the last
 * Monday-to-Monday week (ISO), `previousMonth` the last calendar month.
 */
export function previousPeriod(period: 'previousDay' | 'previousWeek' | 'previousMonth', at: Date): TimeWindow {
  const today = startOfUtcDay(at);
  const iso = (ms: number) => new Date(ms).toISOString();
  switch (period) {
    case 'previousDay':
      return { from: iso(today - DAY_MS), to: iso(today) };
    case 'previousWeek': {
      const daysSinceMonday = (new Date(today).getUTCDay() + 6) % 7;
      const monday = today - daysSinceMonday * DAY_MS;
      return { from: iso(monday - 7 * DAY_MS), to: iso(monday) };
    }
    case 'previousMonth': {
      const firstOfMonth = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1);
      return { from: iso(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() - 1, 1)), to: iso(firstOfMonth) };
    }
  }
}
