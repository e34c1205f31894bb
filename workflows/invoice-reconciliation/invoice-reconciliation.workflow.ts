import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import {
  defineQuery,
  isCancellation,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { TimeWindow } from '../../connectors/spi';
import { heartbeatingBatchCall } from '../shared/activity-options';
import { ProgressTracker } from '../shared/progress-tracker';
import { BusinessKey } from '../shared/search-attributes';
import {
  canonicalWindow,
  MAX_ROWS_IN_HISTORY,
  previousPeriod,
  reconciliationBusinessKey,
  reconciliationReportKey,
  type InvoiceReconciliationInput,
  type ReconciliationReport,
} from './invoice-reconciliation.types';

const steps = proxyActivities<Activities>(heartbeatingBatchCall);

/** The finished report (summary, rows exceptions first, email); null until the run has it. */
export const reportQuery = defineQuery<ReconciliationReport | null>('report');

/** Set by Temporal on runs a Schedule starts: the nominal time, also for a late catch-up run. */
const TemporalScheduledStartTime = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

/** An explicit window as given; a period relative to the scheduled time (or the start, when not scheduled). */
function windowOf(input: InvoiceReconciliationInput): TimeWindow {
  if (input.window) return canonicalWindow(input.window);
  const info = workflowInfo();
  const at = info.typedSearchAttributes.get(TemporalScheduledStartTime) ?? info.startTime;
  return previousPeriod(input.period ?? 'previousDay', at);
}

/**
 * Reconciles one window: waits until the window has ended (a window still open would miss its
 * late records), then one heartbeating activity lists, matches and emails the report. The
 * report email's key comes from the window (`reconciliation-<from>-<to>:report`), so the same
 * window reconciled again, by this run's retry or by any later run, sends nothing twice.
 * The result and the `report` query carry the summary and at most MAX_ROWS_IN_HISTORY rows.
 */
export async function invoiceReconciliation(input: InvoiceReconciliationInput): Promise<ReconciliationReport> {
  const progress = new ProgressTracker();
  let report: ReconciliationReport | null = null;
  setHandler(reportQuery, () => report);
  const window = windowOf(input);
  upsertSearchAttributes([{ key: BusinessKey, value: reconciliationBusinessKey(window) }]);
  progress.setStatus('RUNNING');
  progress.setDetails({ window });

  try {
    const untilEnd = Date.parse(window.to) - Date.now();
    if (untilEnd > 0) await progress.step('waitForWindowEnd', () => sleep(untilEnd));

    const finished = await progress.step('reconcile', () =>
      steps.reconcileWindow({
        window,
        connectors: {
          erp: input.connectors?.erp ?? 'erp.main',
          payment: input.connectors?.payment ?? 'payment.main',
          email: input.connectors?.email ?? 'email.main',
        },
        reportTo: input.reportTo,
        tolerance: input.tolerance ?? 0,
        idempotencyKey: reconciliationReportKey(window),
        maxRows: MAX_ROWS_IN_HISTORY,
      }),
    );
    report = finished;
    progress.setDetails({
      window,
      counts: finished.summary.counts,
      rowCount: finished.rowCount,
      emailMessageId: finished.email.messageId,
    });
    progress.setStatus('COMPLETED');
    return finished;
  } catch (error) {
    progress.setStatus(isCancellation(error) ? 'CANCELLED' : 'FAILED');
    throw error;
  }
}
