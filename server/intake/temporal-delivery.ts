/**
 * Makes the Temporal call an inbox row asks for. Idempotent where Temporal can make it so: the
 * workflow id (from the business key) dedups starts, the update id (`<source>:<eventId>`) dedups
 * updates; a repeated signal carries the event id so the workflow can drop it (event-delivery.types.ts).
 */
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { grpcCodeOf, withinDeadline } from '../temporal/temporal-errors';
import { typedSearchAttributesOf, type DeliveryCommand } from './delivery-command';
import type { EventDelivery } from './event-delivery.types';

/**
 * - started: this delivery started the run (or joined the one an earlier delivery of it started);
 * - existing: start only: a run with the workflow id exists or existed, nothing was started;
 * - signalled / updated: delivered to the running run;
 * - run-closed: the run has finished; an event for it changes nothing and is not retried.
 */
export type DeliveryOutcomeName = 'started' | 'existing' | 'signalled' | 'updated' | 'run-closed';

export interface DeliveryOutcome {
  outcome: DeliveryOutcomeName;
  runId: string | null;
}

/** A failure that retrying cannot cure: the row becomes a dead letter at once (a replay may still succeed after a fix). */
export class PermanentDeliveryError extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}

/** Temporal refused the request itself (e.g. a search attribute missing on the namespace): the same call fails again. */
const GRPC_INVALID_ARGUMENT = 3;

export interface DeliverDeps {
  client: Client;
  taskQueue: string;
  /** Bound on each Temporal call, so an unreachable server fails the attempt instead of holding the job. */
  rpcMs: number;
}

export async function deliverCommand(
  deps: DeliverDeps,
  command: DeliveryCommand,
  delivery: EventDelivery,
): Promise<DeliveryOutcome> {
  const { client } = deps;
  const rpc = <T>(call: () => Promise<T>) => withinDeadline(client, deps.rpcMs, call);
  const startOptions = () => ({
    taskQueue: deps.taskQueue,
    workflowId: command.workflowId,
    args: [command.input],
    typedSearchAttributes: typedSearchAttributesOf(command.searchAttributes ?? []),
    // A running run is joined; a finished one is never started again (exactly one run per business key).
    workflowIdConflictPolicy: 'USE_EXISTING' as const,
    workflowIdReusePolicy: 'REJECT_DUPLICATE' as const,
  });

  /** After NOT_FOUND from a signal or update: a finished run is an outcome, a run not started yet is worth a retry. */
  const whyNotFound = async (error: WorkflowNotFoundError): Promise<DeliveryOutcome> => {
    try {
      const description = await rpc(() => client.workflow.getHandle(command.workflowId).describe());
      if (description.status.name !== 'RUNNING') return { outcome: 'run-closed', runId: description.runId };
    } catch (describeError) {
      if (!(describeError instanceof WorkflowNotFoundError)) throw describeError;
    }
    throw new Error(`No running run with workflow id "${command.workflowId}" yet (${error.message})`);
  };

  try {
    switch (command.mode) {
      case 'start': {
        try {
          const handle = await rpc(() => client.workflow.start(command.workflowType, startOptions()));
          return { outcome: 'started', runId: handle.firstExecutionRunId };
        } catch (error) {
          if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
          const description = await rpc(() => client.workflow.getHandle(command.workflowId).describe());
          return { outcome: 'existing', runId: description.runId };
        }
      }
      case 'signalWithStart': {
        const message = command.message!;
        try {
          const handle = await rpc(() =>
            client.workflow.signalWithStart(command.workflowType, {
              ...startOptions(),
              signal: message.name,
              signalArgs: [message.arg, delivery],
            }),
          );
          return { outcome: 'signalled', runId: handle.signaledRunId };
        } catch (error) {
          // REJECT_DUPLICATE: the business key's run has finished; a new one is not started for a late event.
          if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
          const description = await rpc(() => client.workflow.getHandle(command.workflowId).describe());
          return { outcome: 'run-closed', runId: description.runId };
        }
      }
      case 'signal': {
        const message = command.message!;
        const handle = client.workflow.getHandle(command.workflowId);
        try {
          await rpc(() => handle.signal(message.name, message.arg, delivery));
        } catch (error) {
          if (error instanceof WorkflowNotFoundError) return await whyNotFound(error);
          throw error;
        }
        const description = await rpc(() => handle.describe());
        return { outcome: 'signalled', runId: description.runId };
      }
      case 'update': {
        const message = command.message!;
        const handle = client.workflow.getHandle(command.workflowId);
        try {
          await rpc(() =>
            handle.executeUpdate(message.name, {
              args: [message.arg],
              updateId: `${delivery.source}:${delivery.eventId}`,
            }),
          );
        } catch (error) {
          if (error instanceof WorkflowNotFoundError) return await whyNotFound(error);
          if (error instanceof WorkflowUpdateFailedError) {
            throw new PermanentDeliveryError(
              'update-rejected',
              `The run refused update "${message.name}": ${error.cause?.message ?? error.message}`,
            );
          }
          throw error;
        }
        const description = await rpc(() => handle.describe());
        return { outcome: 'updated', runId: description.runId };
      }
    }
  } catch (error) {
    if (grpcCodeOf(error) === GRPC_INVALID_ARGUMENT)
      throw new PermanentDeliveryError('rejected-by-temporal', (error as Error).message);
    throw error;
  }
}
