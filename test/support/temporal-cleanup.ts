/** What a suite leaves on the shared dev server, removed in its `after` hook; gone or closed already is fine. */
import type { Client } from '@temporalio/client';

/** Terminates the runs a suite started that may still be open. */
export async function terminateRuns(client: Client | undefined, workflowIds: Iterable<string>): Promise<void> {
  if (!client) return;
  await Promise.all(
    [...workflowIds].map((id) =>
      client.workflow
        .getHandle(id)
        .terminate('test cleanup')
        .catch(() => undefined),
    ),
  );
}

/** Deletes the schedules a suite created, so they fire no more. */
export async function deleteSchedules(client: Client | undefined, scheduleIds: Iterable<string>): Promise<void> {
  if (!client) return;
  await Promise.all(
    [...scheduleIds].map((id) =>
      client.schedule
        .getHandle(id)
        .delete()
        .catch(() => undefined),
    ),
  );
}
