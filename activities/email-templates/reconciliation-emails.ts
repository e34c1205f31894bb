import { minorToDecimal } from '../../connectors/money';
import type { EmailMessage, TimeWindow } from '../../connectors/spi';
import {
  RECONCILIATION_CLASSES,
  type ReconciliationClass,
  type ReconciliationSummary,
} from '../../workflows/invoice-reconciliation/invoice-reconciliation.types';

export interface ReconciliationEmailFacts {
  window: TimeWindow;
  summary: ReconciliationSummary;
  to: string[];
  attachment: { filename: string; csv: string };
}

const CLASS_LABELS: Record<ReconciliationClass, string> = {
  unknown_payment: 'Unknown payments',
  unpaid: 'Unpaid invoices',
  underpaid: 'Underpaid invoices',
  overpaid: 'Overpaid invoices',
  matched: 'Matched invoices',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The summary counts and totals in the body; every row in the CSV attachment. */
export function reconciliationReportEmail(facts: ReconciliationEmailFacts): EmailMessage {
  const { window, summary } = facts;
  const exceptions =
    summary.counts.unknown_payment + summary.counts.unpaid + summary.counts.underpaid + summary.counts.overpaid;
  const period = `${window.from} to ${window.to}`;
  const counts = RECONCILIATION_CLASSES.map((cls) => ({ label: CLASS_LABELS[cls], count: summary.counts[cls] }));
  const totals = summary.totals.map((t) => ({
    currency: t.currency,
    invoiced: minorToDecimal(t.invoiced, t.currency),
    received: minorToDecimal(t.received, t.currency),
  }));
  const ignored =
    summary.ignoredPayments > 0
      ? `${summary.ignoredPayments} payment(s) without captured money (authorized or voided) were not counted.\n`
      : '';

  const text = [
    `Invoice reconciliation for ${period}`,
    '',
    `${summary.invoices} invoice(s) and ${summary.payments} payment(s) in the window; ${exceptions} need attention.`,
    '',
    ...counts.map((c) => `  ${c.label}: ${c.count}`),
    '',
    ...totals.map((t) => `  ${t.currency}: invoiced ${t.invoiced}, received ${t.received}`),
    '',
    `${ignored}Every row is in the attached ${facts.attachment.filename}.`,
    '',
  ].join('\n');
  const html =
    `<p>Invoice reconciliation for <b>${escapeHtml(period)}</b></p>` +
    `<p>${summary.invoices} invoice(s) and ${summary.payments} payment(s) in the window; <b>${exceptions}</b> need attention.</p>` +
    `<table><tbody>${counts.map((c) => `<tr><td>${c.label}</td><td>${c.count}</td></tr>`).join('')}</tbody></table>` +
    `<table><thead><tr><th>Currency</th><th>Invoiced</th><th>Received</th></tr></thead><tbody>${totals
      .map((t) => `<tr><td>${escapeHtml(t.currency)}</td><td>${t.invoiced}</td><td>${t.received}</td></tr>`)
      .join('')}</tbody></table>` +
    (ignored ? `<p>${escapeHtml(ignored)}</p>` : '') +
    `<p>Every row is in the attached ${escapeHtml(facts.attachment.filename)}.</p>`;

  return {
    to: facts.to,
    subject: `Invoice reconciliation ${period}: ${exceptions} exception(s)`,
    text,
    html,
    attachments: [
      {
        filename: facts.attachment.filename,
        contentType: 'text/csv; charset=utf-8',
        contentBase64: Buffer.from(facts.attachment.csv, 'utf8').toString('base64'),
      },
    ],
  };
}
