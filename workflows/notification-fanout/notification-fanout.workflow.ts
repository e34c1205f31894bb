import { executeChild, isCancellation, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { describeFailure, ProgressTracker } from '../shared/progress-tracker';
import { BusinessKey, ProcessStatus } from '../shared/search-attributes';
import { notificationBatch } from './notification-batch.workflow';
import {
  batchWorkflowId,
  MAX_LISTED_FAILURES,
  planFanout,
  type IncompleteBatch,
  type NotificationFanoutInput,
  type NotificationFanoutResult,
  type RecipientFailure,
} from './notification-fanout.types';

/**
 * One event to many recipients. The recipients are deduplicated and split into batches
 * (planFanout); each batch is a child workflow `notify-<eventId>-batch-<n>` whose activity sends
 * one email per recipient, keyed `<eventId>:<email>` so that no retry, rerun or overlap sends
 * one twice. At most `lanes` batches run at once, each paced to its share of `ratePerSecond`, so
 * the fan-out as a whole stays within the rate (concurrent fan-outs through the same connector
 * each have their own budget).
 *
 * Partial failure is the normal case and never fails the run: refused recipients are listed
 * (`failed`, at most MAX_LISTED_FAILURES by name, `failedCount` all), and a batch whose child
 * failed after its retries is listed in `incompleteBatches` with its workflow ID. The `progress`
 * query shows the same figures while the run goes on.
 */
export async function notificationFanout(input: NotificationFanoutInput): Promise<NotificationFanoutResult> {
  const { workflowId } = workflowInfo();
  const connector = input.connectors?.email ?? 'email.main';
  const plan = planFanout(input);
  const progress = new ProgressTracker();
  upsertSearchAttributes([{ key: BusinessKey, value: input.eventId }]);
  progress.setStatus('RUNNING');

  const message = {
    subject: input.subject,
    text: input.text,
    ...(input.html !== undefined ? { html: input.html } : {}),
  };
  let sent = 0;
  let failedCount = 0;
  let batchesDone = 0;
  const failedByBatch: RecipientFailure[][] = [];
  const incompleteBatches: IncompleteBatch[] = [];
  const result = (): NotificationFanoutResult => ({
    eventId: input.eventId,
    recipients: plan.recipients,
    duplicatesRemoved: plan.duplicatesRemoved,
    batches: plan.batches.length,
    sent,
    failedCount,
    // Batches finish in any order; failures are listed in batch order.
    failed: failedByBatch.flat().slice(0, MAX_LISTED_FAILURES),
    incompleteBatches: [...incompleteBatches].sort((a, b) => a.batch - b.batch),
  });
  const report = () => progress.setDetails({ ...result(), batchesDone });
  report();

  async function runBatch(index: number): Promise<void> {
    const batch = index + 1;
    const recipients = plan.batches[index] ?? [];
    const childId = batchWorkflowId(workflowId, batch);
    try {
      const outcome = await executeChild(notificationBatch, {
        workflowId: childId,
        args: [{ eventId: input.eventId, batch, connector, message, recipients, ratePerSecond: plan.perBatchRate }],
        typedSearchAttributes: [
          { key: BusinessKey, value: input.eventId },
          { key: ProcessStatus, value: 'RUNNING' },
        ],
      });
      sent += outcome.sent;
      failedCount += outcome.failed.length;
      failedByBatch[index] = outcome.failed;
    } catch (error) {
      if (isCancellation(error)) throw error;
      incompleteBatches.push({
        batch,
        workflowId: childId,
        recipients: recipients.length,
        message: describeFailure(error).message,
      });
    }
    batchesDone += 1;
    report();
  }

  try {
    await progress.step('sendBatches', async () => {
      let next = 0;
      // Deterministic work queue: each lane takes the next batch when its previous one is done.
      const lane = async () => {
        while (next < plan.batches.length) await runBatch(next++);
      };
      await Promise.all(Array.from({ length: plan.lanes }, lane));
    });
  } catch (error) {
    progress.setStatus(isCancellation(error) ? 'CANCELLED' : 'FAILED');
    throw error;
  }
  report();
  progress.setStatus('COMPLETED');
  return result();
}
