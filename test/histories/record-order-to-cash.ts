/**
 * Records an orderToCash history for the replay tests from a real run on the time-skipping
 * server with sandbox connectors: `npx tsx test/histories/record-order-to-cash.ts capture-failed`.
 * Record with the workflow code that was live when the history is meant to have been written.
 */
import { join } from 'node:path';
import { injectSandboxFault } from '../../connectors/sandbox/sandbox-admin';
import { runScript, writeHistoryFile } from '../support/history-files';
import { newOrderInput } from '../support/order-fixtures';
import { startWorkflowHarness } from '../support/workflow-harness';

const SCENARIOS = {
  /** The capture is refused for good after the invoice exists: void, cancel, notify. */
  'capture-failed': { instance: 'payment.main', operation: 'capture', code: 'INVALID_REQUEST' },
} as const;

async function record(scenario: keyof typeof SCENARIOS): Promise<void> {
  const harness = await startWorkflowHarness('record');
  try {
    await injectSandboxFault(harness.db.models, { ...SCENARIOS[scenario], times: null });
    const input = newOrderInput({ orderId: `demo-${scenario}` });
    const worker = await harness.newWorker('record');
    const handle = await harness.env.client.workflow.start('orderToCash', { taskQueue: 'record', workflowId: `order-${input.orderId}`, args: [input] });
    await worker.runUntil(handle.result().catch(() => undefined));
    const file = join(__dirname, 'order-to-cash', `${scenario}.json`);
    writeHistoryFile(file, await handle.fetchHistory());
    console.log(`recorded ${file}`);
  } finally {
    await harness.close();
  }
}

const scenario = process.argv[2];
if (!scenario || !(scenario in SCENARIOS)) {
  console.error(`usage: tsx test/histories/record-order-to-cash.ts <${Object.keys(SCENARIOS).join('|')}>`);
  process.exit(64);
}
runScript(() => record(scenario as keyof typeof SCENARIOS));
