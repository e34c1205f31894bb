import type { ActivityOptions } from '@temporalio/workflow';
import { NON_RETRYABLE_CODES } from '../../connectors/errors';

/**
 * Named activity presets: every workflow picks one of these instead of writing literals.
 * Business refusals and validation errors never retry (their types are listed, and activities
 * also raise them as non-retryable); infrastructure errors retry with exponential backoff.
 */
export const connectorCall: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '30 minutes',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 10,
    nonRetryableErrorTypes: [...NON_RETRYABLE_CODES],
  },
};

/**
 * Compensations must eventually happen (a reserved payment must be released), so they retry for
 * a day with a gentler ceiling before the workflow reports them as failed.
 */
export const compensationCall: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '24 hours',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: [...NON_RETRYABLE_CODES],
  },
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
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 10,
    nonRetryableErrorTypes: [...NON_RETRYABLE_CODES],
  },
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
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: [...NON_RETRYABLE_CODES],
  },
};
