/** Reading what a run did from its history: the results and attempts of its activities. */
import type { WorkflowHandle } from '@temporalio/client';

export type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;

function scheduledIds(history: History, activityType: string): Set<string> {
  return new Set(
    (history.events ?? [])
      .filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === activityType)
      .map((event) => String(event.eventId)),
  );
}

/** The decoded (JSON) results of every completed activity of one type, in history order. */
export function activityResults<T>(history: History, activityType: string): T[] {
  const scheduled = scheduledIds(history, activityType);
  return (history.events ?? [])
    .map((event) => event.activityTaskCompletedEventAttributes)
    .filter((completed) => completed && scheduled.has(String(completed.scheduledEventId)))
    .map((completed) => {
      const data = completed?.result?.payloads?.[0]?.data;
      return (data ? JSON.parse(Buffer.from(data).toString('utf8')) : null) as T;
    });
}

/** The attempt that finished each activity of one type (1 = never retried), in history order. */
export function activityAttempts(history: History, activityType: string): number[] {
  const scheduled = scheduledIds(history, activityType);
  return (history.events ?? [])
    .map((event) => event.activityTaskStartedEventAttributes)
    .filter((started) => started && scheduled.has(String(started.scheduledEventId)))
    .map((started) => started?.attempt ?? 0);
}
