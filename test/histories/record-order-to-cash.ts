/**
 * Records an orderToCash history for the replay tests from a real run on the time-skipping
 * server with sandbox connectors: `npx tsx test/histories/record-order-to-cash.ts capture-failed`.
 * Record with the workflow code that was live when the history is meant to have been written.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { loadConfig } from '../../config';
import { createDefaultRegistry } from '../../connectors/registry';
import { injectSandboxFault } from '../../connectors/sandbox/sandbox-admin';
import { bundleWorkflows } from '../../server/worker/worker';
import { newOrderInput } from '../support/order-fixtures';
import { startSmtpSink } from '../support/smtp-sink';
import { createTimeSkippingEnv } from '../support/temporal-test-servers';
import { createTestDatabase } from '../support/test-database';

const SCENARIOS = {
  /** The capture is refused for good after the invoice exists: void, cancel, notify. */
  'capture-failed': { instance: 'payment.main', operation: 'capture', code: 'INVALID_REQUEST' },
} as const;

async function record(scenario: keyof typeof SCENARIOS): Promise<void> {
  const [env, db, smtp, bundle] = await Promise.all([createTimeSkippingEnv(), createTestDatabase('record'), startSmtpSink(), bundleWorkflows()]);
  const registry = createDefaultRegistry({ config: loadConfig({ DATABASE_URL: db.url, SMTP_URL: smtp.url, LOG_LEVEL: 'error' }, false), models: db.models });
  try {
    await injectSandboxFault(db.models, { ...SCENARIOS[scenario], times: null });
    const input = newOrderInput({ orderId: `demo-${scenario}` });
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: 'record', workflowBundle: bundle, activities: createActivities({ connectors: registry }) });
    const handle = await env.client.workflow.start('orderToCash', { taskQueue: 'record', workflowId: `order-${input.orderId}`, args: [input] });
    await worker.runUntil(handle.result().catch(() => undefined));
    const file = join(__dirname, 'order-to-cash', `${scenario}.json`);
    writeFileSync(file, `${historyToJSON(await handle.fetchHistory())}\n`);
    console.log(`recorded ${file}`);
  } finally {
    await registry.close();
    await env.teardown();
    await smtp.close();
    await db.destroy();
  }
}

const scenario = process.argv[2];
if (!scenario || !(scenario in SCENARIOS)) {
  console.error(`usage: tsx test/histories/record-order-to-cash.ts <${Object.keys(SCENARIOS).join('|')}>`);
  process.exit(64);
}
record(scenario as keyof typeof SCENARIOS).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
