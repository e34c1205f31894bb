import { isCancellation, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { heartbeatingBatchCall } from '../shared/activity-options';
import { ProgressTracker } from '../shared/progress-tracker';
import type { NotificationBatchInput, NotificationBatchResult } from './notification-fanout.types';

const steps = proxyActivities<Activities>(heartbeatingBatchCall);

/**
 * One batch of a notificationFanout, as a child workflow `notify-<eventId>-batch-<n>`: one
 * heartbeating activity sends to its recipients (see sendNotificationBatch). Its own history keeps
 * the batch's recipients and failures out of the parent's; its progress shows `{ sent, failed }`.
 */
export async function notificationBatch(input: NotificationBatchInput): Promise<NotificationBatchResult> {
  const progress = new ProgressTracker();
  progress.setStatus('RUNNING');
  progress.setDetails({ batch: input.batch, recipients: input.recipients.length });
  try {
    const result = await progress.step('sendBatch', () => steps.sendNotificationBatch(input));
    progress.setDetails({
      batch: input.batch,
      recipients: input.recipients.length,
      sent: result.sent,
      failed: result.failed,
    });
    progress.setStatus('COMPLETED');
    return result;
  } catch (error) {
    progress.setStatus(isCancellation(error) ? 'CANCELLED' : 'FAILED');
    throw error;
  }
}
