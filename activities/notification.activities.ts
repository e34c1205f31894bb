import { activityInfo, cancellationSignal, heartbeat } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { RateLimiterMemory, RateLimiterQueue } from 'rate-limiter-flexible';
import type { ConnectorErrorDetails, ConnectorResolver } from '../connectors/spi';
import {
  recipientIdempotencyKey,
  type NotificationBatchInput,
  type NotificationBatchResult,
  type RecipientFailure,
} from '../workflows/notification-fanout/notification-fanout.types';
import { callConnector } from './connector-failure';
import { notificationEmail } from './email-templates/notification-emails';
import { withHeartbeatPulse } from './heartbeat-pulse';
import { checkpointFrom } from './notification/batch-checkpoint';

const MAX_FAILURE_MESSAGE = 300;

function failureOf(email: string, failure: ApplicationFailure): RecipientFailure {
  const [details] = failure.details as [ConnectorErrorDetails | undefined];
  return {
    email,
    code: failure.type ?? 'UNKNOWN',
    ...(details?.status !== undefined ? { status: details.status } : {}),
    message: failure.message.slice(0, MAX_FAILURE_MESSAGE),
  };
}

/** On the last attempt a retryable failure is the recipient's, not the batch's: record it and go on. */
function isLastAttempt(): boolean {
  const { attempt, retryPolicy } = activityInfo();
  const maximumAttempts = retryPolicy?.maximumAttempts ?? 0;
  return maximumAttempts > 0 && attempt >= maximumAttempts;
}

export function createNotificationActivities(connectors: ConnectorResolver) {
  return {
    /**
     * Sends one batch of a notification, one email per recipient keyed `<eventId>:<email>`
     * (exactly once through the connector's outbox), at most `ratePerSecond` per second.
     * - A recipient the connector refuses for good (SMTP 550, invalid address) is recorded in
     *   `failed` and the batch goes on.
     * - A retryable failure (server down, 4xx deferral, rate limited) fails the attempt: Temporal
     *   retries it with backoff and the retry resumes after the last recipient heartbeated. On the
     *   last attempt such a failure is recorded for its recipient instead.
     * - Heartbeats after every recipient carry the checkpoint; cancellation (also a worker
     *   shutting down) stops between two recipients.
     */
    async sendNotificationBatch(input: NotificationBatchInput): Promise<NotificationBatchResult> {
      // Inside callConnector: an unknown or disabled instance is a non-retryable CONNECTOR_MISCONFIGURED.
      const mailer = await callConnector(async () => connectors.resolve('email', input.connector));
      const checkpoint = checkpointFrom(activityInfo().heartbeatDetails);
      // A copy: the SDK may serialise throttled heartbeat details later, after more changes.
      const snapshot = () => ({ ...checkpoint, failed: [...checkpoint.failed] });
      const resumedFrom = checkpoint.next;
      const pace = new RateLimiterQueue(new RateLimiterMemory({ points: input.ratePerSecond, duration: 1 }), {
        maxQueueSize: 1,
      });
      const signal = cancellationSignal();
      const lastAttempt = isLastAttempt();

      return withHeartbeatPulse(snapshot, async () => {
        for (let index = checkpoint.next; index < input.recipients.length; index++) {
          if (signal.aborted) throw new CancelledFailure(`batch ${input.batch} cancelled at recipient ${index}`);
          const recipient = input.recipients[index];
          if (!recipient) break;
          await pace.removeTokens(1);
          try {
            await callConnector(() =>
              mailer.send(notificationEmail(input.message, recipient), {
                idempotencyKey: recipientIdempotencyKey(input.eventId, recipient.email),
              }),
            );
            checkpoint.sent += 1;
          } catch (error) {
            if (!(error instanceof ApplicationFailure) || (!error.nonRetryable && !lastAttempt)) throw error;
            checkpoint.failed.push(failureOf(recipient.email, error));
          }
          checkpoint.next = index + 1;
          heartbeat(snapshot());
        }
        return { batch: input.batch, sent: checkpoint.sent, failed: checkpoint.failed, resumedFrom };
      });
    },
  };
}
