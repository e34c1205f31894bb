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
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { loadConfig } from '../../config';
import { createDefaultRegistry } from '../../connectors/registry';
import { injectSandboxFault } from '../../connectors/sandbox/sandbox-admin';
import { configureLogger } from '../../server/logging/logger';
import { installTemporalRuntime } from '../../server/temporal/runtime';
import { bundleWorkflows } from '../../server/worker/worker';
import { reconciliationWorkflowId, type InvoiceReconciliationInput } from '../../workflows/invoice-reconciliation/invoice-reconciliation.types';
import { uniqueId } from '../support/order-fixtures';
import { startSmtpSink } from '../support/smtp-sink';
import { createTimeSkippingEnv, stopDevServer } from '../support/temporal-test-servers';
import { createTestDatabase } from '../support/test-database';
import { seedReconciliationFixtures } from './invoice-reconciliation.fixtures';

const OUT = join(__dirname, '..', 'histories', 'invoice-reconciliation');
const REPORT_TO = ['finance@shop.example'];

async function main(): Promise<void> {
  configureLogger({ level: 'error', format: 'json' });
  installTemporalRuntime('error');
  const [env, db, smtp, bundle] = await Promise.all([createTimeSkippingEnv(), createTestDatabase('rec_recon'), startSmtpSink(), bundleWorkflows()]);
  const registry = createDefaultRegistry({ config: loadConfig({ DATABASE_URL: db.url, SMTP_URL: smtp.url, LOG_LEVEL: 'error' }, false), models: db.models });
  const taskQueue = uniqueId('record-recon');
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities: createActivities({ connectors: registry }) });
  mkdirSync(OUT, { recursive: true });

  async function record(file: string, workflowId: string, input: InvoiceReconciliationInput): Promise<void> {
    const handle: WorkflowHandle = await env.client.workflow.start('invoiceReconciliation', { taskQueue, workflowId, args: [input] });
    const outcome = await handle.result().then(
      () => 'completed',
      (error: Error) => `failed: ${error.message}`,
    );
    writeFileSync(join(OUT, file), `${historyToJSON(await handle.fetchHistory())}\n`);
    console.log(`${file}: ${workflowId} ${outcome}`);
  }

  try {
    await worker.runUntil(async () => {
      const { window } = await seedReconciliationFixtures(registry, 'HIST');
      await record('completed.json', reconciliationWorkflowId(window), { window, reportTo: REPORT_TO });

      const open = { from: window.from, to: new Date(Math.max(await env.currentTimeMs(), Date.now()) + 3_600_000).toISOString() };
      await record('waited-for-window-end.json', reconciliationWorkflowId(open), { window: open, reportTo: REPORT_TO });

      await record('previous-day.json', 'reconciliation-previous-day-recorded', { period: 'previousDay', reportTo: REPORT_TO, tolerance: 2 });

      await injectSandboxFault(db.models, { instance: 'payment.main', operation: 'listPayments', code: 'UNAUTHORIZED', times: null });
      const refused = { from: window.from, to: new Date(Date.parse(window.to) + 1).toISOString() };
      await record('listing-refused.json', reconciliationWorkflowId(refused), { window: refused, reportTo: REPORT_TO });
    });
  } finally {
    await registry.close();
    await env.teardown();
    await smtp.close();
    await db.destroy();
    await stopDevServer();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
