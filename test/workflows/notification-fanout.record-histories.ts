/**
 * Records the histories that notification-fanout.replay.test.ts replays, from real runs on the
 * time-skipping server with the SMTP connector (outbox in a fresh MariaDB database) and an SMTP
 * sink that refuses `reject-*` addresses. Parent (notificationFanout) and child
 * (notificationBatch) histories are written as the Temporal CLI's JSON to
 * test/histories/notification-fanout/.
 *
 *     npx tsx test/workflows/notification-fanout.record-histories.ts
 *
 * Re-record only for a deliberate change of the workflows that running workflows need not replay
 * (otherwise guard the change with patched() and keep the old histories). Demo data only.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import {
  batchWorkflowId,
  notificationWorkflowId,
  type NotificationFanoutInput,
} from '../../workflows/notification-fanout/notification-fanout.types';
import { runScript, writeHistoryFile } from '../support/history-files';
import { uniqueId } from '../support/order-fixtures';
import { startWorkflowHarness } from '../support/workflow-harness';

const OUT = join(__dirname, '..', 'histories', 'notification-fanout');

function input(
  eventId: string,
  count: number,
  overrides: Partial<NotificationFanoutInput> = {},
): NotificationFanoutInput {
  return {
    eventId,
    subject: 'Planned maintenance on {{name}}\u2019s account',
    text: 'Hello {{name}}, the shop is down for maintenance on Sunday.',
    recipients: Array.from({ length: count }, (_, i) => ({
      email: `${(i + 1) % 20 === 0 ? 'reject' : 'user'}-${i}@${eventId}.example`,
      name: `Customer ${i}`,
    })),
    ...overrides,
  };
}

async function main(): Promise<void> {
  const harness = await startWorkflowHarness('rec_fanout', { rejectRecipients: /^reject-/ });
  const { env, smtp } = harness;
  const taskQueue = uniqueId('record-fanout');
  mkdirSync(OUT, { recursive: true });

  async function write(file: string, handle: WorkflowHandle): Promise<void> {
    const { status } = await handle.describe();
    writeHistoryFile(join(OUT, file), await handle.fetchHistory());
    console.log(`${file}: ${handle.workflowId} ${status.name}`);
  }
  const start = (fanout: NotificationFanoutInput) =>
    env.client.workflow.start('notificationFanout', {
      taskQueue,
      workflowId: notificationWorkflowId(fanout.eventId),
      args: [fanout],
    });
  const child = (fanout: NotificationFanoutInput, batch: number) =>
    env.client.workflow.getHandle(batchWorkflowId(notificationWorkflowId(fanout.eventId), batch));

  try {
    const worker = await harness.newWorker(taskQueue);
    await worker.runUntil(async () => {
      const refusals = input('maintenance-2030-01', 120, { batchSize: 40, concurrency: 2, ratePerSecond: 200 });
      refusals.recipients.push({ email: 'USER-0@MAINTENANCE-2030-01.example' });
      const handle = await start(refusals);
      await handle.result();
      await write('completed-with-refusals.json', handle);
      await write('batch-with-refusals.json', child(refusals, 1));

      const misconfigured = input('maintenance-2030-02', 20, { batchSize: 10, connectors: { email: 'email.missing' } });
      const incomplete = await start(misconfigured);
      await incomplete.result();
      await write('incomplete-batches.json', incomplete);
    });

    // A worker stops in the middle of the only batch; another resumes it from its last heartbeat.
    const resumed = input('maintenance-2030-03', 30, { batchSize: 30, ratePerSecond: 10, concurrency: 1 });
    const handle = await start(resumed);
    const stopping = await harness.newWorker(taskQueue, { maxCachedWorkflows: 0 });
    await stopping.runUntil(async () => {
      const sentTo = (domain: string) =>
        smtp.messages.filter((m) =>
          (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).some((a) => a.text.endsWith(domain)),
        ).length;
      while (sentTo(`@${resumed.eventId}.example`) < 10) await new Promise((resolve) => setTimeout(resolve, 50));
    });
    const resuming = await harness.newWorker(taskQueue);
    await resuming.runUntil(async () => {
      await handle.result();
      await write('resumed-after-worker-stop.json', handle);
      await write('batch-resumed-after-worker-stop.json', child(resumed, 1));
    });
  } finally {
    await harness.close();
  }
}

runScript(main);
