import type { EmailMessage } from '../../connectors/spi';
import type { SyncFailure, SyncTotals } from '../../workflows/customer-sync/customer-sync.types';

export interface SyncSummaryFacts {
  syncName: string;
  workflowId: string;
  outcome: 'COMPLETED' | 'FAILED';
  /** Why the batch stopped, when it failed. */
  reason?: string;
  runs: number;
  totals: SyncTotals;
  failures: SyncFailure[];
  startedAt: string;
  finishedAt: string;
}

/** Failures listed in the mail; the run's result (GET /v1/runs/:id) holds up to 1000. */
const LISTED_IN_MAIL = 100;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function duration(from: string, to: string): string {
  const seconds = Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));
  return seconds < 120 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** The ops report at the end of a customer sync: counts, and the records the ERP refused. */
export function customerSyncSummaryEmail(to: string[], facts: SyncSummaryFacts): EmailMessage {
  const { totals } = facts;
  const verdict =
    facts.outcome === 'COMPLETED'
      ? totals.failed === 0
        ? 'completed'
        : `completed with ${totals.failed} failed records`
      : 'FAILED';
  const listed = facts.failures.slice(0, LISTED_IN_MAIL);
  const more = totals.failed - listed.length;
  const lines = [
    `Customer sync "${facts.syncName}" ${verdict}.`,
    ...(facts.reason
      ? [
          ``,
          `Stopped because: ${facts.reason}`,
          `The cursor keeps the last page that finished; the next run continues from there.`,
        ]
      : []),
    ``,
    `Contacts read from the CRM: ${totals.listed}`,
    `Customers upserted in the ERP: ${totals.synced}`,
    `Already synced by an earlier run: ${totals.skipped}`,
    `Failed: ${totals.failed}`,
    `Pages: ${totals.pages} in ${facts.runs} run(s), ${duration(facts.startedAt, facts.finishedAt)}`,
    `Workflow: ${facts.workflowId}`,
    ...(listed.length > 0
      ? [``, `Failed records:`, ...listed.map((f) => `  ${f.contactId} ${f.email}: ${f.code} ${f.message}`)]
      : []),
    ...(more > 0 ? [`  … and ${more} more (the run's result lists up to 1000).`] : []),
  ];
  const rows = listed
    .map(
      (f) =>
        `<tr><td>${escapeHtml(f.contactId)}</td><td>${escapeHtml(f.email)}</td><td>${escapeHtml(f.code)}</td><td>${escapeHtml(f.message)}</td></tr>`,
    )
    .join('');
  return {
    to,
    subject: `Customer sync ${facts.syncName}: ${verdict}`,
    text: `${lines.join('\n')}\n`,
    html:
      `<p>Customer sync <b>${escapeHtml(facts.syncName)}</b> ${escapeHtml(verdict)}.</p>` +
      (facts.reason ? `<p>Stopped because: ${escapeHtml(facts.reason)}</p>` : '') +
      `<ul><li>Contacts read: ${totals.listed}</li><li>Customers upserted: ${totals.synced}</li><li>Already synced: ${totals.skipped}</li><li>Failed: ${totals.failed}</li><li>Pages: ${totals.pages} in ${facts.runs} run(s)</li></ul>` +
      (rows
        ? `<table><thead><tr><th>Contact</th><th>Email</th><th>Code</th><th>Message</th></tr></thead><tbody>${rows}</tbody></table>`
        : '') +
      (more > 0 ? `<p>… and ${more} more.</p>` : ''),
  };
}
