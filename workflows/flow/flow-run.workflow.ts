import {
  ApplicationFailure,
  CancellationScope,
  defineUpdate,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { compensationCall } from '../shared/activity-options';
import { describeFailure } from '../shared/progress-tracker';
import { toDslError } from './dsl-errors';
import { FLOW_FAILED } from './flow-failure-types';
import { FlowRunState, type PendingCompensation } from './flow-run-state';
import {
  FLOW_EVENT_UPDATE,
  flowNameOf,
  type FlowEvent,
  type FlowEventReceipt,
  type FlowRunInput,
} from './flow-run.types';
import { findTask } from './find-task';
import { runTask, runTaskList } from './task-list';
import { isJsonObject } from './task-types';
import { runCallTask } from './tasks/call-task';

const compensationActivities = proxyActivities<Activities>(compensationCall);

export const flowEventUpdate = defineUpdate<FlowEventReceipt, [FlowEvent]>(FLOW_EVENT_UPDATE);

/**
 * The interpreter: runs any published flow (workflow type `flow:<name>`; the bundle's default
 * export) from the document pinned in its input. Data flows per the DSL (input.from, each task's
 * output to the next, output.as); on failure or cancellation the compensations of the completed
 * tasks run newest first, then the run fails (FlowFailed) or ends cancelled.
 */
export async function flowRun({ flow, input }: FlowRunInput): Promise<unknown> {
  const type = workflowInfo().workflowType;
  if (flowNameOf(type) !== flow.name) {
    throw ApplicationFailure.nonRetryable(`Workflow type ${type} does not run flow ${flow.name}`, FLOW_FAILED);
  }
  const state = new FlowRunState(flow, input, { runTaskList, runTask });
  setHandler(flowEventUpdate, (event) => state.listeners.deliver(event), {
    validator: (event) => state.listeners.assertWanted(event),
  });
  state.progress.setStatus('RUNNING');
  const document = flow.document;
  const reference = { name: flow.name, reference: '/' };
  try {
    const inputRules = isJsonObject(document.input) ? document.input : {};
    const flowInput =
      inputRules.from === undefined
        ? input
        : await state.evaluateOne('/input/from', inputRules.from, state.scope(input, { variables: {} }, reference));
    const outcome = await runTaskList(state, document.do, '/do', flowInput, { variables: {} });
    const outputRules = isJsonObject(document.output) ? document.output : {};
    const { output } = await state.applyOutput(
      '/output/as',
      outcome.output,
      { outputAs: outputRules.as },
      state.scope(outcome.output, { variables: {} }, reference),
    );
    state.progress.setStatus('COMPLETED');
    return output;
  } catch (error) {
    const cancelled = isCancellation(error);
    const failure = describeFailure(error);
    // A catch that re-raises the error it took (as order-to-cash.yaml does after telling the
    // customer) fails the run at its raise task; the error's instance names where it came from.
    const raisedAt = state.progress.failedStep ?? undefined;
    const dslError = toDslError(error, state.failedTaskOf(error) ?? raisedAt ?? '/');
    const failedTask = dslError.instance ?? raisedAt ?? null;
    if (failedTask) state.progress.relocateFailure(failedTask);
    log.warn('flow failed, compensating', { flow: flow.name, task: failedTask, type: failure.type, cancelled });
    state.progress.setStatus('COMPENSATING');
    // Compensation must finish even when the run itself was cancelled.
    await CancellationScope.nonCancellable(() => compensate(state));
    state.progress.setStatus(cancelled ? 'CANCELLED' : 'FAILED');
    if (cancelled) throw error;
    throw ApplicationFailure.create({
      type: FLOW_FAILED,
      message: `Flow ${flow.name}@${flow.version} failed at ${failedTask ?? 'its start'}: ${failure.message}`,
      nonRetryable: true,
      details: [{ task: failedTask, ...(raisedAt && raisedAt !== failedTask ? { raisedAt } : {}), error: dslError }],
      cause: error instanceof Error ? error : undefined,
    });
  }
}

/** Runs the pending compensations newest first; one that fails is recorded and the others still run. */
async function compensate(state: FlowRunState): Promise<void> {
  for (const pending of [...state.compensations].reverse()) {
    try {
      await runCompensation(state, pending);
      state.progress.compensated(pending.compensator);
    } catch (error) {
      state.progress.compensated(pending.compensator, error);
    }
  }
}

/** The compensating task (a connector call somewhere in the document) in the scope its compensated task ended with. */
async function runCompensation(state: FlowRunState, pending: PendingCompensation): Promise<void> {
  const found = findTask(state.flow.document.do, '/do', pending.compensator);
  if (!found) throw new Error(`metadata.compensate names ${pending.compensator}, which is no task`); // validated at publish
  await runCallTask(
    state,
    { ...found, runtimePath: found.path },
    pending.scope,
    { variables: {} },
    {
      idempotencyKey: `${state.idempotencyKey(found.path)}@${pending.compensated}`,
      activities: compensationActivities,
    },
  );
}
