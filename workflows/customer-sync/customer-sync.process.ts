import { defineProcess, PROGRESS_QUERY } from '../process-definition';
import { BusinessKey, ProcessStatus } from '../shared/search-attributes';
import { customerSyncInputSchema } from './customer-sync.input';
import { CUSTOMER_SYNC_DEFAULTS, customerSyncWorkflowId } from './customer-sync.types';

const syncNameOf = (input: { syncName?: string | undefined }): string =>
  input.syncName ?? CUSTOMER_SYNC_DEFAULTS.syncName;

/**
 * A scheduled batch. Started through the API its workflow ID is `customer-sync-<syncName>`, so a
 * second request while it runs joins the running one and a request after it finished starts the
 * next sync; a schedule gives each run its own ID, and the cursor store (keyed by syncName)
 * carries the position from one run to the next.
 */
export const customerSyncProcess = defineProcess({
  type: 'customerSync',
  description:
    'Customer sync: CRM contacts changed since the last run are upserted as ERP customers, page by page with bounded concurrency; records the ERP refuses are reported, not fatal; the cursor is kept for the next run; a summary email goes to reportTo. Progress: pages and records so far (progress.details).',
  inputSchema: customerSyncInputSchema,
  workflowId: (input) => customerSyncWorkflowId(syncNameOf(input)),
  businessKey: (input) => syncNameOf(input),
  initialSearchAttributes: (input) => [
    { key: BusinessKey, value: syncNameOf(input) },
    { key: ProcessStatus, value: 'RUNNING' },
  ],
  queries: [PROGRESS_QUERY],
  signals: [],
  updates: [],
  choosesConnectors: true,
  infrastructureFields: ['connectors'],
  rerunnable: true,
});
