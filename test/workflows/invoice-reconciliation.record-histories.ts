/**
 * Records the histories that invoice-reconciliation.replay.test.ts replays, from real runs: each
 * scenario runs on the time-skipping server against a fresh MariaDB database (sandbox ERP and
 * payments seeded through the connectors) and an SMTP sink, and its history is written as the
 * Temporal CLI's JSON (`temporal workflow show --output json`) to test/histories/invoice-reconciliation/.
 *
 *     npx tsx test/workflows/invoice-reconciliation.record-histories.ts
 *
 * Re-record only for a deliberate change of the workflow that running workflows need not replay
 * (otherwise guard the change with patched() and keep the old histories). Demo data only.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { injectSandboxFault } from '../../connectors/sandbox/sandbox-admin';
import {
  reconciliationWorkflowId,
  type InvoiceReconciliationInput,
} from '../../workflows/invoice-reconciliation/invoice-reconciliation.types';
import { runScript, writeHistoryFile } from '../support/history-files';
import { uniqueId } from '../support/order-fixtures';
import { startWorkflowHarness } from '../support/workflow-harness';
import { seedReconciliationFixtures } from './invoice-reconciliation.fixtures';

const OUT = join(__dirname, '..', 'histories', 'invoice-reconciliation');
const REPORT_TO = ['finance@shop.example'];

async function main(): Promise<void> {
  const harness = await startWorkflowHarness('rec_recon');
  const { env, db, registry } = harness;
  const taskQueue = uniqueId('record-recon');
  const worker = await harness.newWorker(taskQueue);
  mkdirSync(OUT, { recursive: true });

  async function record(file: string, workflowId: string, input: InvoiceReconciliationInput): Promise<void> {
    const handle: WorkflowHandle = await env.client.workflow.start('invoiceReconciliation', {
      taskQueue,
      workflowId,
      args: [input],
    });
    const outcome = await handle.result().then(
      () => 'completed',
      (error: Error) => `failed: ${error.message}`,
    );
    writeHistoryFile(join(OUT, file), await handle.fetchHistory());
    console.log(`${file}: ${workflowId} ${outcome}`);
  }

  try {
    await worker.runUntil(async () => {
      const { window } = await seedReconciliationFixtures(registry, 'HIST');
      await record('completed.json', reconciliationWorkflowId(window), { window, reportTo: REPORT_TO });

      const open = {
        from: window.from,
        to: new Date(Math.max(await env.currentTimeMs(), Date.now()) + 3_600_000).toISOString(),
      };
      await record('waited-for-window-end.json', reconciliationWorkflowId(open), { window: open, reportTo: REPORT_TO });

      await record('previous-day.json', 'reconciliation-previous-day-recorded', {
        period: 'previousDay',
        reportTo: REPORT_TO,
        tolerance: 2,
      });

      await injectSandboxFault(db.models, {
        instance: 'payment.main',
        operation: 'listPayments',
        code: 'UNAUTHORIZED',
        times: null,
      });
      const refused = { from: window.from, to: new Date(Date.parse(window.to) + 1).toISOString() };
      await record('listing-refused.json', reconciliationWorkflowId(refused), { window: refused, reportTo: REPORT_TO });
    });
  } finally {
    await harness.close();
  }
}

runScript(main);
