/**
 * Zod-free types and planning of notificationFanout: safe to import from workflow code. The plan
 * is a pure function of the input, so replays and retries split recipients the same way.
 */
export type { NotificationFanoutInput, NotificationRecipient } from './notification-fanout.input';
import type { NotificationFanoutInput, NotificationRecipient } from './notification-fanout.input';

/** Defaults of the optional inputs (documented in the input schema). */
export const DEFAULT_BATCH_SIZE = 100;
export const DEFAULT_RATE_PER_SECOND = 20;
export const DEFAULT_CONCURRENCY = 4;
/** Child workflows per fan-out at most (history stays far below Temporal's event limit); batchSize is raised to fit. */
export const MAX_BATCHES = 500;
/** Failures listed by name in the result and the progress query; `failedCount` counts them all. */
export const MAX_LISTED_FAILURES = 1_000;

export interface NotificationMessage {
  subject: string;
  text: string;
  html?: string;
}

/** A recipient the connector refused for good (or, on the batch's last attempt, for now). */
export interface RecipientFailure {
  email: string;
  /** ConnectorErrorCode, e.g. INVALID_REQUEST for an SMTP 550. */
  code: string;
  /** The vendor's status (SMTP reply code, HTTP status) when it gave one. */
  status?: number;
  message: string;
}

export interface NotificationBatchInput {
  eventId: string;
  /** 1-based. */
  batch: number;
  connector: string;
  message: NotificationMessage;
  recipients: NotificationRecipient[];
  /** This batch's share of the fan-out's rate. */
  ratePerSecond: number;
}

export interface NotificationBatchResult {
  batch: number;
  sent: number;
  failed: RecipientFailure[];
  /** Index of the recipient the last attempt started at: > 0 when a retry resumed from a heartbeat. */
  resumedFrom: number;
}

/** A batch whose child workflow failed (its activity exhausted its retries): its recipients' fate is unknown. */
export interface IncompleteBatch {
  batch: number;
  workflowId: string;
  recipients: number;
  message: string;
}

export interface NotificationFanoutResult {
  eventId: string;
  /** Distinct recipients after removing duplicate addresses. */
  recipients: number;
  duplicatesRemoved: number;
  batches: number;
  sent: number;
  failedCount: number;
  /** At most MAX_LISTED_FAILURES, in batch order. */
  failed: RecipientFailure[];
  incompleteBatches: IncompleteBatch[];
}

export interface FanoutPlan {
  recipients: number;
  duplicatesRemoved: number;
  batchSize: number;
  batches: NotificationRecipient[][];
  /** Child workflows running at once. */
  lanes: number;
  /** Each batch's pace; lanes × this ≤ the fan-out's ratePerSecond. */
  perBatchRate: number;
}

export function notificationWorkflowId(eventId: string): string {
  return `notify-${eventId}`;
}

export function batchWorkflowId(parentWorkflowId: string, batch: number): string {
  return `${parentWorkflowId}-batch-${batch}`;
}

/** One email per event and address, whichever run, batch or attempt sends it. */
export function recipientIdempotencyKey(eventId: string, email: string): string {
  return `${eventId}:${email.toLowerCase()}`;
}

/** First occurrence wins; addresses compare case-insensitively. */
export function dedupeRecipients(recipients: readonly NotificationRecipient[]): NotificationRecipient[] {
  const seen = new Set<string>();
  return recipients.filter((recipient) => {
    const key = recipient.email.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function planFanout(input: NotificationFanoutInput): FanoutPlan {
  const recipients = dedupeRecipients(input.recipients);
  const batchSize = Math.max(input.batchSize ?? DEFAULT_BATCH_SIZE, Math.ceil(recipients.length / MAX_BATCHES));
  const batches: NotificationRecipient[][] = [];
  for (let start = 0; start < recipients.length; start += batchSize)
    batches.push(recipients.slice(start, start + batchSize));
  const rate = input.ratePerSecond ?? DEFAULT_RATE_PER_SECOND;
  // Every lane needs at least one send per second, and more lanes than batches would idle.
  const lanes = Math.max(1, Math.min(input.concurrency ?? DEFAULT_CONCURRENCY, rate, batches.length));
  return {
    recipients: recipients.length,
    duplicatesRemoved: input.recipients.length - recipients.length,
    batchSize,
    batches,
    lanes,
    perBatchRate: Math.floor(rate / lanes),
  };
}
