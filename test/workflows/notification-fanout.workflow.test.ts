import type { WorkflowHandle } from '@temporalio/client';
import { expect } from 'chai';
import type { ParsedMail } from 'mailparser';
import { progressQuery, type Progress } from '../../workflows/shared/progress';
import {
  batchWorkflowId,
  notificationWorkflowId,
  type NotificationBatchResult,
  type NotificationFanoutInput,
  type NotificationFanoutResult,
} from '../../workflows/notification-fanout/notification-fanout.types';
import { eventually } from '../support/eventually';
import { uniqueId } from '../support/order-fixtures';
import { startWorkflowHarness, type WorkflowHarness } from '../support/workflow-harness';

describe('notificationFanout workflow (time-skipping server, real SMTP sink, email outbox in MariaDB)', function () {
  this.timeout(180_000);
  let harness: WorkflowHarness;
  let env: WorkflowHarness['env'];
  let smtp: WorkflowHarness['smtp'];

  before(async function () {
    harness = await startWorkflowHarness('wf_fanout', { rejectRecipients: /^reject-/ });
    ({ env, smtp } = harness);
  });

  after(() => harness?.close());

  /** `count` recipients of one event; every `rejectEvery`-th address is one the SMTP server refuses with 550. */
  function fanoutInput(
    count: number,
    rejectEvery: number,
    overrides: Partial<NotificationFanoutInput> = {},
  ): NotificationFanoutInput {
    const eventId = uniqueId('evt');
    return {
      eventId,
      subject: `Event ${eventId} for {{name}}`,
      text: 'Hello {{name}}, something happened.',
      recipients: Array.from({ length: count }, (_, i) => ({
        email: `${(i + 1) % rejectEvery === 0 ? 'reject' : 'user'}-${i}@${eventId.toLowerCase()}.example`,
        name: `User ${i}`,
      })),
      ...overrides,
    };
  }

  /** Runs one fan-out to its end; queries progress while the worker still runs (a closed run's query needs one). */
  async function fanout(
    input: NotificationFanoutInput,
  ): Promise<{ handle: WorkflowHandle; result: NotificationFanoutResult; progress: Progress; elapsedMs: number }> {
    const taskQueue = uniqueId('fanout-tq');
    const worker = await harness.newWorker(taskQueue);
    const started = performance.now();
    const handle = await env.client.workflow.start('notificationFanout', {
      taskQueue,
      workflowId: notificationWorkflowId(input.eventId),
      args: [input],
    });
    return worker.runUntil(async () => {
      const result = (await handle.result()) as NotificationFanoutResult;
      const elapsedMs = performance.now() - started;
      return { handle, result, progress: await handle.query(progressQuery), elapsedMs };
    });
  }

  const mailsOf = (eventId: string) => smtp.messages.filter((m) => m.subject?.startsWith(`Event ${eventId} `));
  const addressesOf = (mails: ParsedMail[]) =>
    mails.flatMap((m) =>
      (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).flatMap((a) => a.value.map((v) => v.address ?? '')),
    );

  it('when 2,000 recipients (and duplicates) are notified and some are refused, then every accepted one gets exactly one email and the refused are listed', async () => {
    const input = fanoutInput(2_000, 50, { batchSize: 100, ratePerSecond: 1_000, concurrency: 20 });
    const duplicates = input.recipients.slice(1, 11).map((r) => ({ email: r.email.toUpperCase() }));
    input.recipients.push(...duplicates);
    const rejected = input.recipients.filter((r) => r.email.startsWith('reject-')).map((r) => r.email);
    expect(rejected).to.have.length(40);

    const { result, progress, elapsedMs } = await fanout(input);
    expect(result).to.include({
      eventId: input.eventId,
      recipients: 2_000,
      duplicatesRemoved: 10,
      batches: 20,
      sent: 1_960,
      failedCount: 40,
    });
    expect(result.incompleteBatches).to.deep.equal([]);
    expect(result.failed.map((f) => f.email)).to.deep.equal(rejected);
    for (const failure of result.failed) expect(failure).to.include({ code: 'INVALID_REQUEST', status: 550 });

    const mails = await waitForCount(input.eventId, 1_960);
    const addresses = addressesOf(mails);
    expect(new Set(addresses).size, 'one email per address').to.equal(addresses.length);
    expect(addresses.filter((a) => a.startsWith('reject-'))).to.deep.equal([]);
    const first = mails.find((m) => addressesOf([m])[0] === input.recipients[1]?.email);
    expect(first?.subject).to.equal(`Event ${input.eventId} for User 1`);

    expect(progress.status).to.equal('COMPLETED');
    expect(progress.details).to.include({ sent: 1_960, failedCount: 40, batchesDone: 20, batches: 20 });
    const child = await env.client.workflow
      .getHandle(batchWorkflowId(notificationWorkflowId(input.eventId), 20))
      .describe();
    expect(child.status.name).to.equal('COMPLETED');
    expect(child.type).to.equal('notificationBatch');
    console.log(
      `      fan-out: ${result.sent} emails + ${result.failedCount} refusals in ${(elapsedMs / 1000).toFixed(1)} s = ${Math.round((result.sent + result.failedCount) / (elapsedMs / 1000))} recipients/s`,
    );
  });

  it('when the same event is notified again, then nobody gets a second email and the refusals are reported again', async () => {
    const input = fanoutInput(150, 50, { batchSize: 40, ratePerSecond: 1_000 });
    const first = await fanout(input);
    await waitForCount(input.eventId, 147);
    const again = await fanout(input);
    expect(again.result).to.deep.equal(first.result);
    expect(again.result).to.include({ sent: 147, failedCount: 3 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(mailsOf(input.eventId)).to.have.length(147);
  });

  it('when the rate is 4 per second over 2 batches at once, then each batch sends 2 per second and 20 recipients take at least four seconds', async () => {
    const input = fanoutInput(20, 1_000, { batchSize: 10, ratePerSecond: 4, concurrency: 2 });
    const { result, elapsedMs } = await fanout(input);
    expect(result.sent).to.equal(20);
    // Fixed one-second windows of 2 per batch: sends at 0, 1, 2, 3 and 4 s. Unpaced, 20 emails
    // over two connections take about 2 s here; with the whole rate in each batch, about 2 s too.
    expect(elapsedMs).to.be.at.least(3_900);
  });

  it('when the worker stops in the middle of a batch, then another worker resumes it from its last heartbeat without sending anyone a second email', async () => {
    const input = fanoutInput(60, 1_000, { batchSize: 60, ratePerSecond: 10, concurrency: 1 });
    const taskQueue = uniqueId('fanout-crash-tq');
    const handle = await env.client.workflow.start('notificationFanout', {
      taskQueue,
      workflowId: notificationWorkflowId(input.eventId),
      args: [input],
    });
    // Uncached, so that no workflow task waits on the stopped worker's sticky queue: the time-skipping
    // server does not hand those back to the normal queue as a full server does after a few seconds.
    const first = await harness.newWorker(taskQueue, { maxCachedWorkflows: 0 });
    await first.runUntil(() => waitForCount(input.eventId, 15));
    const sentByFirst = mailsOf(input.eventId).length;
    expect(sentByFirst).to.be.below(60);

    const second = await harness.newWorker(taskQueue);
    const result = await second.runUntil(async () => {
      const outcome = (await handle.result()) as NotificationFanoutResult;
      const batch = (await env.client.workflow
        .getHandle(batchWorkflowId(notificationWorkflowId(input.eventId), 1))
        .result()) as NotificationBatchResult;
      return { outcome, batch };
    });
    expect(result.outcome).to.include({ sent: 60, failedCount: 0 });
    expect(result.batch.resumedFrom, 'the retry started after the recipients already heartbeated').to.be.above(0);
    const addresses = addressesOf(await waitForCount(input.eventId, 60));
    expect(new Set(addresses).size).to.equal(60);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(mailsOf(input.eventId)).to.have.length(60);
  });

  it('when a batch cannot run at all (unknown email connector), then it is reported as an incomplete batch and the run still completes', async () => {
    const input = fanoutInput(30, 1_000, { batchSize: 10, connectors: { email: 'email.missing' } });
    const { result, progress } = await fanout(input);
    expect(result).to.include({ sent: 0, failedCount: 0, batches: 3 });
    const parent = notificationWorkflowId(input.eventId);
    expect(
      result.incompleteBatches.map((b) => ({ batch: b.batch, workflowId: b.workflowId, recipients: b.recipients })),
    ).to.deep.equal([1, 2, 3].map((batch) => ({ batch, workflowId: batchWorkflowId(parent, batch), recipients: 10 })));
    for (const batch of result.incompleteBatches)
      expect(batch.message).to.contain('No connector instance named "email.missing"');
    expect(progress.status).to.equal('COMPLETED');
    expect(progress.details).to.deep.include({ incompleteBatches: result.incompleteBatches });
    expect(mailsOf(input.eventId)).to.deep.equal([]);
  });

  function waitForCount(eventId: string, count: number, timeoutMs = 60_000): Promise<ParsedMail[]> {
    return eventually(
      `${count} emails for ${eventId}`,
      () => mailsOf(eventId),
      (mails) => mails.length >= count,
      { timeoutMs, intervalMs: 50 },
    );
  }
});
