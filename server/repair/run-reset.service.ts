import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { ProcessDefinition } from '../../workflows/process-definition';
import type { ResetPolicy } from '../../workflows/reset-policy';
import { flowNameOf } from '../../workflows/flow/flow-run.types';
import { AppError } from '../errors/app-error';
import type { RunTypeGuard } from '../runs/run-guard';
import { translateTemporalError, withinDeadline } from '../temporal/temporal-errors';
import { flowResetPolicy } from './flow-reset-policy';
import { findResetPoint, refuseCompensatedRun, type ResetTarget } from './reset-point';
import { readRunHistoryFacts } from './run-history-reader';

/**
 * Only a closed run that did not complete is reset: resetting a running one would end it while
 * an activity may be in flight (its effect then lands beside the new run's), and a completed one
 * has nothing to repair.
 */
export const RESETTABLE_STATUSES = ['FAILED', 'TERMINATED', 'TIMED_OUT', 'CANCELLED'] as const;

export interface ResetRequest {
  workflowId: string;
  target: ResetTarget;
  reason: string;
}

export interface ResetOutcome {
  workflowId: string;
  /** The new run, which continues the old one's history from the reset point. */
  runId: string;
  resetFrom: { runId: string; eventId: number; step: string };
}

export interface RunResetServiceDeps {
  client: Client;
  /** The code processes (workflows/catalog.ts); flows share one policy. */
  catalog: readonly ProcessDefinition[];
  rpcMs?: number;
  /** Recorded as the identity of the reset in Temporal. */
  identity?: string;
}

/**
 * The same request for the same run and point gets the same request id, so a repeated call while
 * Temporal still holds the first one answers with the same new run instead of a second reset.
 */
function requestIdOf(workflowId: string, runId: string, eventId: number): string {
  const hex = createHash('sha256').update(`${workflowId}\n${runId}\n${eventId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function createRunResetService({
  client,
  catalog,
  rpcMs = 10_000,
  identity = 'junction-api',
}: RunResetServiceDeps) {
  const policyOf = (type: string): ResetPolicy | undefined =>
    flowNameOf(type) !== null ? flowResetPolicy : catalog.find((process) => process.type === type)?.resetPolicy;

  return {
    /** Resets the run's latest execution to the target; 409 naming why when it may not be. */
    async reset({ workflowId, target, reason }: ResetRequest, guard?: RunTypeGuard): Promise<ResetOutcome> {
      let description;
      try {
        description = await withinDeadline(client, rpcMs, () => client.workflow.getHandle(workflowId).describe());
      } catch (error) {
        translateTemporalError(error, workflowId);
      }
      guard?.(description.type);
      const policy = policyOf(description.type);
      if (!policy)
        throw AppError.conflict(`Runs of "${description.type}" declare no resettable steps.`, 'process-not-resettable');
      const status = description.status.name;
      if (!(RESETTABLE_STATUSES as readonly string[]).includes(status)) {
        throw AppError.conflict(
          `Run "${workflowId}" is ${status}; only a ${RESETTABLE_STATUSES.join(', ')} run can be reset.`,
          'run-not-resettable',
        );
      }
      const runId = description.runId;
      const facts = await readRunHistoryFacts(client, workflowId, runId, rpcMs);
      refuseCompensatedRun(policy, facts, workflowId);
      const point = findResetPoint(policy, facts, target);
      try {
        const response = await withinDeadline(client, rpcMs, () =>
          client.workflowService.resetWorkflowExecution(
            // fromObject turns the event id into the int64 (Long) the request carries.
            temporal.api.workflowservice.v1.ResetWorkflowExecutionRequest.fromObject({
              namespace: client.options.namespace,
              workflowExecution: { workflowId, runId },
              reason,
              workflowTaskFinishEventId: point.eventId,
              requestId: requestIdOf(workflowId, runId, point.eventId),
              identity,
            }),
          ),
        );
        return {
          workflowId,
          runId: response.runId ?? '',
          resetFrom: { runId, eventId: point.eventId, step: point.step },
        };
      } catch (error) {
        translateTemporalError(error, workflowId);
      }
    },
  };
}

export type RunResetService = ReturnType<typeof createRunResetService>;
