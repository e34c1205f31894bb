import { ApplicationFailure } from '@temporalio/common';
import type { ConnectorResolver } from '../connectors/spi';
import type { Models } from '../server/db/models';
import { SYNC_CURSOR_STORE_MISSING } from '../workflows/customer-sync/customer-sync.types';
import { callConnector } from './connector-failure';
import {
  syncContactPage,
  type SyncContactPageInput,
  type SyncContactPageResult,
} from './customer-sync/contact-page-sync';
import { SyncCursorStore, type SaveSyncCursorInput, type StoredSyncCursor } from './customer-sync/sync-cursor-store';
import { customerSyncSummaryEmail, type SyncSummaryFacts } from './email-templates/customer-sync-summary';

export type { SyncContactPageInput, SyncContactPageResult } from './customer-sync/contact-page-sync';
export type { SaveSyncCursorInput, StoredSyncCursor } from './customer-sync/sync-cursor-store';
export type { SyncSummaryFacts } from './email-templates/customer-sync-summary';

export interface CustomerSyncDeps {
  connectors: ConnectorResolver;
  /** The cursor store lives in the application database; without it the sync cannot run. */
  models?: Pick<Models, 'SyncCursor'>;
}

/** Activities of customerSync (workflows/customer-sync): the cursor store, one page, the summary. */
export function createCustomerSyncActivities({ connectors, models }: CustomerSyncDeps) {
  const store = (): SyncCursorStore => {
    if (!models) {
      throw ApplicationFailure.nonRetryable(
        'customerSync needs the cursor store: this worker was built without the database models (ActivityDeps.models)',
        SYNC_CURSOR_STORE_MISSING,
      );
    }
    return new SyncCursorStore(models.SyncCursor);
  };

  return {
    async loadSyncCursor({ syncName }: { syncName: string }): Promise<StoredSyncCursor> {
      return store().load(syncName);
    },

    async saveSyncCursor(input: SaveSyncCursorInput): Promise<void> {
      await store().save(input);
    },

    /** Long-running: heartbeats its position and resumes from it when retried (contact-page-sync.ts). */
    async syncContactPage(input: SyncContactPageInput): Promise<SyncContactPageResult> {
      // Inside callConnector: an unknown or disabled instance fails for good, not retry after retry.
      const [crm, erp] = await callConnector(
        async () => [connectors.resolve('crm', input.crm), connectors.resolve('erp', input.erp)] as const,
      );
      return syncContactPage(crm, erp, input);
    },

    /** Rendered here, not in the workflow, so the wording can change without replay risk. */
    async sendSyncSummary({
      connector,
      to,
      facts,
      idempotencyKey,
    }: {
      connector: string;
      to: string[];
      facts: SyncSummaryFacts;
      idempotencyKey: string;
    }): Promise<{ messageId: string }> {
      return callConnector(() =>
        connectors.resolve('email', connector).send(customerSyncSummaryEmail(to, facts), { idempotencyKey }),
      );
    },
  };
}
