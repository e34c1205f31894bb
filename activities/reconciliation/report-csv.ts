/**
 * The reconciliation report as CSV (RFC 4180 via csv-stringify): one header line, one line per
 * row, amounts as decimals in the currency's unit (12.34), payment IDs separated by spaces.
 */
import { stringify } from 'csv-stringify/sync';
import { minorToDecimal } from '../../connectors/money';
import type { ReconciliationRow } from '../../workflows/invoice-reconciliation/invoice-reconciliation.types';

export const REPORT_CSV_COLUMNS = [
  'class',
  'reference',
  'invoice_id',
  'invoice_number',
  'invoice_total',
  'paid_amount',
  'currency',
  'payment_ids',
  'note',
] as const;

/**
 * References come from payers: a cell starting with = + - @ (or a tab/CR) would run as a formula
 * when the file is opened in a spreadsheet (CSV injection), so such text gets a leading quote.
 */
function safeText(value: string | null): string {
  if (value === null) return '';
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function reportCsv(rows: readonly ReconciliationRow[]): string {
  const records = rows.map((row) => [
    row.class,
    safeText(row.reference),
    safeText(row.invoiceId),
    safeText(row.invoiceNumber),
    row.invoiceTotal === null ? '' : minorToDecimal(row.invoiceTotal, row.currency),
    minorToDecimal(row.paidAmount, row.currency),
    row.currency,
    safeText(row.paymentIds.join(' ')),
    safeText(row.note),
  ]);
  return stringify(records, { header: true, columns: [...REPORT_CSV_COLUMNS], record_delimiter: 'windows' });
}
