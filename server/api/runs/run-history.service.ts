import type { Client } from '@temporalio/client';
import { historyToJSON } from '../../temporal/sdk-internals';
import { AppError } from '../../errors/app-error';
import { decodePageToken, encodePageToken } from '../../temporal/page-token';
import type { RunTypeGuard } from '../../runs/run-guard';
import { grpcCodeOf, translateTemporalError, withinDeadline } from '../../temporal/temporal-errors';

const GRPC_NOT_FOUND = 5;

export interface HistoryPage {
  workflowId: string;
  /** Temporal's event history in its JSON form (payloads base64-encoded), oldest first. */
  events: unknown[];
  nextPageToken: string | null;
}

/**
 * GET /v1/runs/:workflowId/history: the latest run's events, a page at a time, as Temporal's
 * JSON (the same form `temporal workflow show --output json` writes and replay tests read).
 */
export function createRunHistoryService({ client, rpcMs = 10_000 }: { client: Client; rpcMs?: number }) {
  async function typeOf(workflowId: string): Promise<string> {
    try {
      return (await withinDeadline(client, rpcMs, () => client.workflow.getHandle(workflowId).describe())).type;
    } catch (error) {
      translateTemporalError(error, workflowId);
    }
  }

  return {
    /** With a guard, the run is described first (one more call) so the guard sees its type before any event is read. */
    async history(
      workflowId: string,
      pageSize: number,
      pageToken?: string,
      guard?: RunTypeGuard,
    ): Promise<HistoryPage> {
      // Tokens are bound to the run they page through.
      const tag = `history:${workflowId}`;
      const token = pageToken === undefined ? null : decodePageToken(tag, pageToken);
      if (pageToken !== undefined && !token) {
        throw AppError.validation('The page token is invalid.', [
          { field: 'pageToken', message: 'must be the nextPageToken of a previous page of this run' },
        ]);
      }
      if (guard) guard(await typeOf(workflowId));
      try {
        const response = await withinDeadline(client, rpcMs, () =>
          client.workflowService.getWorkflowExecutionHistory({
            namespace: client.options.namespace,
            execution: { workflowId },
            maximumPageSize: pageSize,
            nextPageToken: token,
          }),
        );
        const events =
          (JSON.parse(historyToJSON({ events: response.history?.events ?? [] })) as { events?: unknown[] }).events ??
          [];
        const next = response.nextPageToken;
        return { workflowId, events, nextPageToken: next && next.length > 0 ? encodePageToken(tag, next) : null };
      } catch (error) {
        // The raw service call reports an unknown run as gRPC NOT_FOUND, not WorkflowNotFoundError.
        if (grpcCodeOf(error) === GRPC_NOT_FOUND)
          throw AppError.notFound(`No run with workflow id "${workflowId}".`, 'run-not-found');
        translateTemporalError(error, workflowId);
      }
    },
  };
}

export type RunHistoryService = ReturnType<typeof createRunHistoryService>;
