import type { Client } from '@temporalio/client';
import type { LoadedDataConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { decodeArrayFromPayloads } from '../temporal/sdk-internals';
import { withinDeadline } from '../temporal/temporal-errors';
import type { ScheduledActivity } from '../../workflows/reset-policy';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const { EventType } = temporal.api.enums.v1;

/** An ActivityTaskScheduled event: where it is and the workflow task that scheduled it. */
export interface ScheduledEvent extends ScheduledActivity {
  eventId: number;
  /** The WorkflowTaskCompleted event whose commands scheduled it: the reset point before it. */
  workflowTaskCompletedEventId: number;
}

/** What a reset needs of one run's history. */
export interface RunHistoryFacts {
  /** The first WorkflowTaskCompleted: a reset to it runs the whole workflow again. */
  firstWorkflowTaskCompletedEventId: number | null;
  /** Every scheduled activity, oldest first. */
  scheduled: ScheduledEvent[];
  /** The scheduled events of activities that failed or timed out for good, oldest first. */
  failedScheduledEventIds: number[];
}

const num = (value: number | { toNumber(): number } | null | undefined): number =>
  value === null || value === undefined ? 0 : typeof value === 'number' ? value : value.toNumber();

/** Reads one run's whole history (pages of 1000) and decodes its activity inputs. */
export async function readRunHistoryFacts(
  client: Client,
  workflowId: string,
  runId: string,
  rpcMs: number,
): Promise<RunHistoryFacts> {
  const events: HistoryEvent[] = [];
  let nextPageToken: Uint8Array | null = null;
  do {
    const token: Uint8Array | null = nextPageToken;
    const page: temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryResponse = await withinDeadline(
      client,
      rpcMs,
      () =>
        client.workflowService.getWorkflowExecutionHistory({
          namespace: client.options.namespace,
          execution: { workflowId, runId },
          maximumPageSize: 1000,
          nextPageToken: token,
        }),
    );
    events.push(...(page.history?.events ?? []));
    nextPageToken = page.nextPageToken && page.nextPageToken.length > 0 ? page.nextPageToken : null;
  } while (nextPageToken);

  return historyFactsOf(events, client.options.loadedDataConverter);
}

/** What a reset needs of a history's events, decoding activity inputs with the converter. */
export async function historyFactsOf(
  events: readonly HistoryEvent[],
  converter: LoadedDataConverter,
): Promise<RunHistoryFacts> {
  const facts: RunHistoryFacts = {
    firstWorkflowTaskCompletedEventId: null,
    scheduled: [],
    failedScheduledEventIds: [],
  };
  for (const event of events) {
    const eventId = num(event.eventId);
    if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
      facts.firstWorkflowTaskCompletedEventId ??= eventId;
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED && scheduled) {
      const [input] = await decodeArrayFromPayloads(converter, scheduled.input?.payloads);
      facts.scheduled.push({
        eventId,
        workflowTaskCompletedEventId: num(scheduled.workflowTaskCompletedEventId),
        activityType: scheduled.activityType?.name ?? '',
        input,
      });
    }
    if (event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED)
      facts.failedScheduledEventIds.push(num(event.activityTaskFailedEventAttributes?.scheduledEventId));
    if (event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT)
      facts.failedScheduledEventIds.push(num(event.activityTaskTimedOutEventAttributes?.scheduledEventId));
  }
  return facts;
}
