import {
  ApplicationFailure,
  continueAsNew,
  isCancellation,
  log,
  proxyActivities,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { SyncContactPageResult } from '../../activities/customer-sync.activities';
import { connectorCall, syncPageCall } from '../shared/activity-options';
import { describeFailure, ProgressTracker } from '../shared/progress-tracker';
import { BusinessKey } from '../shared/search-attributes';
import {
  CUSTOMER_SYNC_DEFAULTS,
  CUSTOMER_SYNC_FAILED,
  emptyTotals,
  MAX_REPORTED_FAILURES,
  type CarriedSyncState,
  type CustomerSyncInput,
  type CustomerSyncResult,
} from './customer-sync.types';

const steps = proxyActivities<Activities>(connectorCall);
const pages = proxyActivities<Activities>(syncPageCall);

/**
 * Customer sync: CRM contacts changed since the stored cursor become ERP customers.
 *
 * - Pages one after the other (the change feed is a chain of cursors); within a page the
 *   activity upserts `concurrency` contacts at once and heartbeats its position, so a retry
 *   after a worker crash resumes inside the page.
 * - After each page the cursor is saved (versioned, see sync-cursor-store.ts): a crash or a
 *   failure loses at most one page of progress, and the next run, whatever its workflow ID,
 *   starts where this one stopped. The last, partial page is saved with its record versions
 *   (the tail), so the next run does not send them again.
 * - Every `pagesPerRun` pages the workflow continues as new, carrying the cursor, the totals
 *   and the first MAX_REPORTED_FAILURES failures: each run's history holds at most
 *   pagesPerRun pages (≈ 12 events a page), whatever the number of records.
 * - A record the ERP refuses for good (INVALID_REQUEST …) goes into the report; retryable
 *   errors retry the page. A batch that stops (retries exhausted, a refusal of the whole page)
 *   fails with CustomerSyncFailed after the summary is sent.
 * - The summary email's idempotency key is `<workflowId>:<firstExecutionRunId>:summary`:
 *   one email per execution chain, even when a schedule reuses a workflow ID.
 */
export async function customerSync(input: CustomerSyncInput): Promise<CustomerSyncResult> {
  const { workflowId, firstExecutionRunId, startTime } = workflowInfo();
  const syncName = input.syncName ?? CUSTOMER_SYNC_DEFAULTS.syncName;
  const use = {
    crm: input.connectors?.crm ?? 'crm.main',
    erp: input.connectors?.erp ?? 'erp.main',
    email: input.connectors?.email ?? 'email.main',
  };
  const pageSize = input.pageSize ?? CUSTOMER_SYNC_DEFAULTS.pageSize;
  const concurrency = input.concurrency ?? CUSTOMER_SYNC_DEFAULTS.concurrency;
  const pagesPerRun = input.pagesPerRun ?? CUSTOMER_SYNC_DEFAULTS.pagesPerRun;
  const progress = new ProgressTracker();
  upsertSearchAttributes([{ key: BusinessKey, value: syncName }]);
  progress.setStatus('RUNNING');

  const state: CarriedSyncState = input.carried
    ? { ...input.carried, totals: { ...input.carried.totals }, failures: [...input.carried.failures] }
    : { cursor: null, cursorVersion: 0, totals: emptyTotals(), failures: [], runs: 0 };
  let skip: string[] = [];
  const showProgress = () =>
    progress.setDetails({ syncName, run: state.runs + 1, ...state.totals, cursorVersion: state.cursorVersion });
  showProgress();

  const count = (page: SyncContactPageResult) => {
    state.totals.pages++;
    state.totals.listed += page.listed;
    state.totals.synced += page.synced;
    state.totals.skipped += page.skipped;
    state.totals.failed += page.failed.length;
    state.failures.push(...page.failed.slice(0, Math.max(0, MAX_REPORTED_FAILURES - state.failures.length)));
  };

  const sendSummary = (outcome: 'COMPLETED' | 'FAILED', reason?: string) =>
    input.reportTo
      ? steps.sendSyncSummary({
          connector: use.email,
          to: input.reportTo,
          facts: {
            syncName,
            workflowId,
            outcome,
            ...(reason !== undefined ? { reason } : {}),
            runs: state.runs + 1,
            totals: state.totals,
            failures: state.failures,
            startedAt: startTime.toISOString(),
            finishedAt: new Date().toISOString(),
          },
          idempotencyKey: `${workflowId}:${firstExecutionRunId}:summary`,
        })
      : Promise.resolve(null);

  let reachedEnd: boolean;
  try {
    if (!input.carried) {
      const stored = await progress.step('loadCursor', () => steps.loadSyncCursor({ syncName }));
      Object.assign(state, { cursor: stored.cursor, cursorVersion: stored.version });
      skip = stored.tail;
      showProgress();
    }
    reachedEnd = await progress.step('syncPages', async () => {
      for (let pagesThisRun = 1; ; pagesThisRun++) {
        const page = await pages.syncContactPage({
          crm: use.crm,
          erp: use.erp,
          syncName,
          cursor: state.cursor,
          pageSize,
          concurrency,
          ...(skip.length > 0 ? { skip } : {}),
        });
        count(page);
        const atEnd = page.nextCursor === null;
        // At the end the cursor stays before the last page (the feed gives none past it); its records are the tail.
        const cursor = atEnd ? state.cursor : page.nextCursor;
        await steps.saveSyncCursor({
          syncName,
          cursor,
          tail: atEnd ? (page.versions ?? []) : [],
          version: state.cursorVersion + 1,
          workflowId,
        });
        state.cursor = cursor;
        state.cursorVersion++;
        skip = [];
        showProgress();
        if (atEnd) return true;
        if (pagesThisRun >= pagesPerRun || workflowInfo().continueAsNewSuggested) return false;
      }
    });
  } catch (error) {
    const cancelled = isCancellation(error);
    const failure = describeFailure(error);
    log.warn('customer sync stopped', { syncName, pages: state.totals.pages, type: failure.type, cancelled });
    if (cancelled) {
      progress.setStatus('CANCELLED');
      throw error;
    }
    try {
      await sendSummary('FAILED', failure.message);
    } catch (summaryError) {
      log.error('summary email failed', { syncName, error: describeFailure(summaryError).message });
    }
    progress.setStatus('FAILED');
    throw ApplicationFailure.create({
      type: CUSTOMER_SYNC_FAILED,
      message: `Customer sync ${syncName} stopped after ${state.totals.pages} pages: ${failure.message}`,
      nonRetryable: true,
      details: [{ code: failure.type, totals: state.totals }],
      cause: error instanceof Error ? error : undefined,
    });
  }

  if (!reachedEnd) return continueAsNew<typeof customerSync>({ ...input, carried: { ...state, runs: state.runs + 1 } });

  const summary = await progress.step('sendSummary', () => sendSummary('COMPLETED'));
  progress.setStatus('COMPLETED');
  return {
    syncName,
    runs: state.runs + 1,
    totals: state.totals,
    failures: state.failures,
    failuresTruncated: state.totals.failed > state.failures.length,
    cursorVersion: state.cursorVersion,
    summaryMessageId: summary?.messageId ?? null,
  };
}
