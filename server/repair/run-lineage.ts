import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { withinDeadline } from '../temporal/temporal-errors';

const { EventType, WorkflowTaskFailedCause } = temporal.api.enums.v1;

/** How the runs of one workflow id are linked by resets, as GET /v1/runs/{id} shows them. */
export interface RunLineage {
  /** The first run of the workflow id's chain (continue-as-new and resets keep it). */
  firstRunId: string | null;
  /** The run this one was reset from, and the event of this run where the reset happened (its WorkflowTaskFailed, cause RESET_WORKFLOW); null when it is no reset. */
  resetFrom: { runId: string; eventId: number } | null;
  /** The run this one was reset to (the newest reset of it); null when it was not reset. */
  resetTo: string | null;
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Page = temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryResponse;

const num = (value: number | { toNumber(): number } | null | undefined): number =>
  value === null || value === undefined ? 0 : typeof value === 'number' ? value : value.toNumber();

/**
 * A reset run's history starts with its base run's events (WorkflowExecutionStarted keeps the
 * base's originalExecutionRunId), so a run whose started event names another run was reset (or
 * continues a reset one); only then is its history read for the reset's WorkflowTaskFailed
 * (cause RESET_WORKFLOW), which names the base run. Other runs cost one one-event page.
 */
export async function lineageOf(
  client: Client,
  description: WorkflowExecutionDescription,
  rpcMs: number,
): Promise<RunLineage> {
  const { workflowId, runId } = description;
  const page = (size: number, token: Uint8Array | null): Promise<Page> =>
    withinDeadline(client, rpcMs, () =>
      client.workflowService.getWorkflowExecutionHistory({
        namespace: client.options.namespace,
        execution: { workflowId, runId },
        maximumPageSize: size,
        nextPageToken: token,
      }),
    );
  const lineage: RunLineage = {
    firstRunId: description.raw.workflowExecutionInfo?.firstRunId || null,
    resetFrom: null,
    resetTo: description.raw.workflowExtendedInfo?.resetRunId || null,
  };
  const first = await page(1, null);
  const original = first.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.originalExecutionRunId;
  if (!original || original === runId) return lineage;

  let token: Uint8Array | null = null;
  do {
    const current: Page = await page(1000, token);
    for (const event of current.history?.events ?? []) lineage.resetFrom = resetBaseOf(event) ?? lineage.resetFrom;
    token = current.nextPageToken && current.nextPageToken.length > 0 ? current.nextPageToken : null;
  } while (token);
  return lineage;
}

/** The newest reset wins: a run reset twice names the run it was last reset from. */
function resetBaseOf(event: HistoryEvent): RunLineage['resetFrom'] {
  const failed = event.workflowTaskFailedEventAttributes;
  if (event.eventType !== EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED || !failed) return null;
  if (failed.cause !== WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW || !failed.baseRunId)
    return null;
  return { runId: failed.baseRunId, eventId: num(event.eventId) };
}
