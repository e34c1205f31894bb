import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { MessageDefinition } from '../../../workflows/catalog';
import type { ProcessResolver } from '../../processes/process-resolver';
import { AppError } from '../../errors/app-error';
import { fieldErrorsOf } from '../../errors/field-errors';
import type { Principal } from '../../auth/scopes';
import { bindActor } from '../../runs/message-actor';
import type { RunTypeGuard } from '../../runs/run-guard';
import { translateTemporalError, withinDeadline } from '../../temporal/temporal-errors';

export type MessageKind = 'signals' | 'updates' | 'queries';

export interface RunMessagesDeps {
  client: Client;
  /** Code processes and flows: which messages each run type answers. */
  processes: ProcessResolver;
  /** Bound on each call; an update waits for its handler, so keep handlers short (default 10 s). */
  rpcMs?: number;
}

export interface RunMessagesService {
  /** `caller`: a message with an actor (a person's decision, MessageDefinition.actor) is sent as the person the caller acts for. */
  signal(
    workflowId: string,
    name: string,
    argument: unknown,
    guard?: RunTypeGuard,
    caller?: Principal,
  ): Promise<{ workflowId: string; runId: string; signal: string }>;
  update(
    workflowId: string,
    name: string,
    argument: unknown,
    guard?: RunTypeGuard,
    caller?: Principal,
  ): Promise<{ workflowId: string; runId: string; update: string; result: unknown }>;
  query(
    workflowId: string,
    name: string,
    guard?: RunTypeGuard,
  ): Promise<{ workflowId: string; runId: string; query: string; result: unknown }>;
}

const SINGULAR: Record<MessageKind, string> = { signals: 'signal', updates: 'update', queries: 'query' };

/**
 * Signals, updates and queries of running processes. Only messages the process declares in the
 * catalog are sent, with their argument validated by the declared schema, so a typo or a bad
 * body is a 400/404 here instead of an unhandled message in the workflow.
 */
export function createRunMessagesService({ client, processes, rpcMs = 10_000 }: RunMessagesDeps): RunMessagesService {
  const rpc = <T>(call: () => Promise<T>): Promise<T> => withinDeadline(client, rpcMs, call);

  async function target(
    workflowId: string,
    kind: MessageKind,
    name: string,
    argument: unknown,
    guard?: RunTypeGuard,
    caller?: Principal,
  ) {
    let description;
    try {
      description = await rpc(() => client.workflow.getHandle(workflowId).describe());
    } catch (error) {
      translateTemporalError(error, workflowId);
    }
    // Before the run's messages are named: a caller who may not act on this process learns nothing of it.
    guard?.(description.type);
    const process = await processes.messagesOf(description.type);
    const message: MessageDefinition | undefined = process?.[kind].find((candidate) => candidate.name === name);
    if (!message) {
      const known = process?.[kind].map((candidate) => candidate.name).join(', ') || 'none';
      throw AppError.notFound(
        `Run "${workflowId}" (${description.type}) has no ${SINGULAR[kind]} "${name}" (known: ${known}).`,
        `unknown-${SINGULAR[kind]}`,
      );
    }
    const bound = bindActor(message, argument, caller);
    const args: [unknown] | [] = message.inputSchema ? [parseArgument(message.inputSchema, bound)] : [];
    if (kind !== 'queries' && description.status.name !== 'RUNNING') {
      throw AppError.conflict(
        `Run "${workflowId}" is ${description.status.name}; only a running run takes ${kind}.`,
        'run-not-running',
      );
    }
    return { handle: client.workflow.getHandle(workflowId, description.runId), runId: description.runId, args };
  }

  async function send<T>(workflowId: string, call: () => Promise<T>): Promise<T> {
    try {
      return await rpc(call);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError)
        throw AppError.conflict(`Run "${workflowId}" closed before the message arrived.`, 'run-not-running');
      translateTemporalError(error, workflowId);
    }
  }

  return {
    async signal(workflowId, name, argument, guard, caller) {
      const { handle, runId, args } = await target(workflowId, 'signals', name, argument, guard, caller);
      await send(workflowId, () => handle.signal(name, ...args));
      return { workflowId, runId, signal: name };
    },

    async update(workflowId, name, argument, guard, caller) {
      const { handle, runId, args } = await target(workflowId, 'updates', name, argument, guard, caller);
      try {
        const result = await send(workflowId, () =>
          args.length ? handle.executeUpdate(name, { args }) : handle.executeUpdate(name),
        );
        return { workflowId, runId, update: name, result };
      } catch (error) {
        // The validator or the handler refused: the caller learns why, and the run is unchanged.
        if (error instanceof WorkflowUpdateFailedError) {
          const reason =
            error.cause instanceof ApplicationFailure || error.cause instanceof Error
              ? error.cause.message
              : error.message;
          throw new AppError({ code: 'update-rejected', status: 422, title: 'Update rejected', detail: reason });
        }
        throw error;
      }
    },

    async query(workflowId, name, guard) {
      const { handle, runId } = await target(workflowId, 'queries', name, undefined, guard);
      const result = await send(workflowId, () => handle.query(name));
      return { workflowId, runId, query: name, result };
    },
  };
}

function parseArgument(schema: NonNullable<MessageDefinition['inputSchema']>, argument: unknown): unknown {
  const parsed = schema.safeParse(argument);
  if (!parsed.success)
    throw AppError.validation('The request body does not match the message schema.', fieldErrorsOf(parsed.error));
  return parsed.data;
}
