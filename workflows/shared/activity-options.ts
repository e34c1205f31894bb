import type { Duration } from '@temporalio/common';
import type { ActivityOptions, RetryPolicy } from '@temporalio/workflow';
import { NON_RETRYABLE_CODES } from '../../connectors/connector-error-codes';

/** Exponential backoff (×2) that never retries a business refusal or validation error. */
function backoff(initialInterval: Duration, maximumInterval: Duration, maximumAttempts?: number): RetryPolicy {
  return {
    initialInterval,
    backoffCoefficient: 2,
    maximumInterval,
    ...(maximumAttempts === undefined ? {} : { maximumAttempts }),
    nonRetryableErrorTypes: [...NON_RETRYABLE_CODES],
  };
}

/**
 * Named activity presets: every workflow picks one of these instead of writing literals.
 * Business refusals and validation errors never retry (their types are listed, and activities
 * also raise them as non-retryable); infrastructure errors retry with exponential backoff.
 */
export const connectorCall: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '30 minutes',
  retry: backoff('1 second', '1 minute', 10),
};

/**
 * Compensations must eventually happen (a reserved payment must be released), so they retry for
 * a day with a gentler ceiling before the workflow reports them as failed.
 */
export const compensationCall: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '24 hours',
  retry: backoff('2 seconds', '5 minutes'),
};

/**
 * Long activities that loop over pages or recipients (reconciliation listings, a notification
 * batch). They heartbeat after each item or page, so a crashed worker is noticed within the
 * heartbeat timeout and the retry resumes from the last heartbeat's details, not from the start.
 */
export const heartbeatingBatchCall: ActivityOptions = {
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '30 seconds',
  scheduleToCloseTimeout: '6 hours',
  retry: backoff('1 second', '1 minute', 10),
};

/**
 * One page of an incremental sync (customerSync): seconds of work that heartbeat their position.
 * Unlike heartbeatingBatchCall, a dead worker is noticed within 10 s (a page is short, so waiting
 * 30 s would dominate the recovery), and there is no attempt cap: a vendor outage pauses the
 * batch (backoff up to a minute) for up to scheduleToClose instead of failing it.
 */
export const syncPageCall: ActivityOptions = {
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '10 seconds',
  scheduleToCloseTimeout: '2 hours',
  retry: backoff('1 second', '1 minute'),
};
