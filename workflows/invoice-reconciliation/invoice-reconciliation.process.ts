import { defineProcess, PROGRESS_QUERY } from '../process-definition';
import { BusinessKey, ProcessStatus } from '../shared/search-attributes';
import { invoiceReconciliationInputSchema, type InvoiceReconciliationInput } from './invoice-reconciliation.input';
import {
  canonicalWindow,
  previousPeriod,
  reconciliationBusinessKey,
  reconciliationWorkflowId,
} from './invoice-reconciliation.types';

/**
 * The window a request names. A `period` is resolved here against the clock (API side, not
 * workflow code), so `{ period: 'previousDay' }` and yesterday's explicit window are one run. The
 * run resolves the period again from its own start: only a start that crosses midnight within
 * the milliseconds between the two would reconcile the next period under this ID (the report key
 * follows the window the run reconciles, so nothing is sent twice even then).
 */
function requestedWindow(input: InvoiceReconciliationInput) {
  return input.window ? canonicalWindow(input.window) : previousPeriod(input.period ?? 'previousDay', new Date());
}

export const invoiceReconciliationProcess = defineProcess({
  type: 'invoiceReconciliation',
  description:
    'Invoice reconciliation for a window (or the previous day, week or month when scheduled): lists ERP invoices and payment-provider payments, matches them by reference, amount and currency into matched, unpaid, underpaid, overpaid and unknown payments, and emails the report with a CSV attachment once per window; the `report` query returns it.',
  inputSchema: invoiceReconciliationInputSchema,
  workflowId: (input) => reconciliationWorkflowId(requestedWindow(input)),
  businessKey: (input) => reconciliationBusinessKey(requestedWindow(input)),
  // A Schedule fixes these once for all its firings: a period is named as such; the run sets the window's key itself.
  initialSearchAttributes: (input) => [
    {
      key: BusinessKey,
      value: input.window ? reconciliationBusinessKey(canonicalWindow(input.window)) : (input.period ?? 'previousDay'),
    },
    { key: ProcessStatus, value: 'RUNNING' },
  ],
  queries: [
    PROGRESS_QUERY,
    {
      name: 'report',
      description:
        'The finished report: window, summary counts and totals per class, rows (exceptions first, at most 1,000), the email sent; null while running.',
    },
  ],
  signals: [],
  updates: [],
  choosesConnectors: true,
  infrastructureFields: ['connectors'],
});
