/**
 * Zod-free types and helpers of customerSync: safe to import from workflow code.
 */
import type { CustomerSyncRequest } from './customer-sync.input';

/** Failure type when another run of the same sync moved the stored cursor meanwhile. */
export const SYNC_CURSOR_CONFLICT = 'SyncCursorConflict';
/** Failure type when the worker was built without the database (ActivityDeps.models). */
export const SYNC_CURSOR_STORE_MISSING = 'SyncCursorStoreMissing';
/** Failure type of the workflow when the batch stopped before the end of the change feed. */
export const CUSTOMER_SYNC_FAILED = 'CustomerSyncFailed';

/** Failures kept in the run's state and report; past this only their number grows. */
export const MAX_REPORTED_FAILURES = 1000;

export const CUSTOMER_SYNC_DEFAULTS = {
  syncName: 'default',
  pageSize: 100,
  concurrency: 8,
  pagesPerRun: 20,
} as const;

/** One contact the ERP refused for good (a non-retryable connector error); the batch goes on. */
export interface SyncFailure {
  contactId: string;
  email: string;
  code: string;
  message: string;
}

/** Counters over every run of one sync execution (carried across continue-as-new). */
export interface SyncTotals {
  pages: number;
  /** Contacts the CRM listed. */
  listed: number;
  /** Contacts upserted as ERP customers. */
  synced: number;
  /** Contact versions an earlier run had already handled (the stored tail), not sent again. */
  skipped: number;
  failed: number;
}

/** What one run hands to the next when it continues as new. */
export interface CarriedSyncState {
  cursor: string | null;
  /** The cursor store's version this execution last wrote (optimistic concurrency). */
  cursorVersion: number;
  totals: SyncTotals;
  /** The first MAX_REPORTED_FAILURES failures; `totals.failed` counts all of them. */
  failures: SyncFailure[];
  /** Runs before this one in the chain. */
  runs: number;
}

export interface CustomerSyncResult {
  syncName: string;
  /** Runs of this execution chain (1 + continue-as-new count). */
  runs: number;
  totals: SyncTotals;
  failures: SyncFailure[];
  /** true when more failures happened than `failures` holds. */
  failuresTruncated: boolean;
  /** The stored cursor's version at the end: the next run starts from it. */
  cursorVersion: number;
  /** null when the input named no recipients. */
  summaryMessageId: string | null;
}

export function customerSyncWorkflowId(syncName: string): string {
  return `customer-sync-${syncName}`;
}

export function emptyTotals(): SyncTotals {
  return { pages: 0, listed: 0, synced: 0, skipped: 0, failed: 0 };
}

/**
 * The workflow's input: the caller's request, plus the state a run hands to the next when it
 * continues as new (absent on a fresh start, which reads the cursor store instead).
 */
export type CustomerSyncInput = CustomerSyncRequest & { carried?: CarriedSyncState };
