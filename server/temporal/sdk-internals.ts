/**
 * The SDK internals Junction uses, in one place: the packages' `lib/…` paths are not public API
 * and may move in any release, so an SDK upgrade checks and changes this file alone. Each is here
 * because the public API offers no equivalent; drop one as soon as the SDK exports it.
 */

/**
 * Decodes a raw execution listing (WorkflowService.listWorkflowExecutions) into the
 * WorkflowExecutionInfo that `client.workflow.list()` yields: the runs listing calls the service
 * itself to get the page token, which the public iterator hides.
 */
export { executionInfoFromRaw } from '@temporalio/client/lib/helpers';

/**
 * Decodes a schedule's recent actions from the raw describe response: the schedules listing reads
 * schedules in pages from the service, and the public ScheduleHandle.describe() is one call per schedule.
 */
export { decodeScheduleRecentActions } from '@temporalio/client/lib/schedule-helpers';

/** Decodes a raw memo with the client's data converter (the same raw schedule listing). */
export { decodeMapFromPayloads } from '@temporalio/common/lib/internal-non-workflow';

/**
 * Timestamp and duration conversions of the proto messages the raw calls above exchange.
 * msToNumber is the SDK's own ms-string parser, so a schedule's '90m' means what it means to Temporal.
 */
export { msToNumber, optionalDateToTs, tsToDate } from '@temporalio/common/lib/time';

/**
 * The JSON form of payloads and histories that Temporal's CLI and UI read and write (proto3
 * JSON with Temporal's payload rules): the codec endpoint answers the UI in it, and histories
 * are exported for replay tests in it.
 */
export {
  historyFromJSON,
  historyToJSON,
  JSONToPayload,
  payloadToJSON,
  type History,
  type JSONPayload,
} from '@temporalio/common/lib/proto-utils';

/** Decodes an activity's input payloads in a raw history (the reset service finds steps by them). */
export { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
