import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { expect } from 'chai';
import type { DslError } from '../../workflows/flow/dsl-errors';
import { FLOW_FAILED } from '../../workflows/flow/flow-failure-types';
import { flowWorkflowId, flowWorkflowType, type FlowRunInput } from '../../workflows/flow/flow-run.types';
import { progressQuery, type Progress } from '../../workflows/shared/progress';
import { registryValidationContext } from '../../server/flows/store/flow-validation-context';
import { validateFlow } from '../../server/flows/validate-flow';
import { uniqueId } from './order-fixtures';
import { settle, type HarnessWorkerOptions, type WorkflowHarness } from './workflow-harness';

export interface FlowRun {
  handle: WorkflowHandle;
  /** The run's result, or the error `result()` rejected with. */
  outcome: Promise<unknown>;
  progress: Progress;
}

/** A flow document of `tasks` (and any other top-level sections), valid DSL 1.0. */
export function flowDocument(name: string, sections: Record<string, unknown>): Record<string, unknown> {
  return { document: { dsl: '1.0.0', namespace: 'test', name, version: '1.0.0' }, ...sections };
}

/**
 * Runs a flow to its end on the time-skipping server through the production bundle's interpreter,
 * on a fresh task queue; `during` acts on the running run (sends events, cancels) before it ends.
 */
export async function runFlow(
  harness: WorkflowHarness,
  document: Record<string, unknown>,
  input: unknown,
  during?: (handle: WorkflowHandle) => Promise<void>,
  workerOptions?: HarnessWorkerOptions,
): Promise<FlowRun> {
  // Only publishable flows run in tests: what the API would refuse must not pass here.
  const validation = validateFlow(structuredClone(document), await registryValidationContext(harness.registry)());
  if (!validation.ok) throw new Error(`the test flow would not publish: ${JSON.stringify(validation.issues)}`);
  const name = String((document.document as { name: string }).name);
  const taskQueue = uniqueId('flow-tq');
  const worker = await harness.newWorker(taskQueue, workerOptions);
  const args: [FlowRunInput] = [{ flow: { name, version: '1.0.0', document }, input }];
  const handle = await harness.env.client.workflow.start(flowWorkflowType(name), {
    taskQueue,
    workflowId: flowWorkflowId(name, uniqueId('run')),
    args,
  });
  return worker.runUntil(async () => {
    if (during) await during(handle);
    const { outcome } = await settle(handle.result());
    return { handle, outcome, progress: await handle.query(progressQuery) };
  });
}

/** The FlowFailed failure of a run: the task it failed at and the DSL error. */
export async function expectFlowFailure(
  outcome: Promise<unknown>,
): Promise<{ message: string; task: string; error: DslError }> {
  const error = await outcome.then(
    () => {
      throw new Error('expected the flow to fail');
    },
    (e: unknown) => e,
  );
  expect(error).to.be.instanceOf(WorkflowFailedError);
  const failure = (error as WorkflowFailedError).cause;
  expect(failure).to.be.instanceOf(ApplicationFailure);
  expect((failure as ApplicationFailure).type).to.equal(FLOW_FAILED);
  const [details] = (failure as ApplicationFailure).details as [{ task: string; raisedAt?: string; error: DslError }];
  return { message: (failure as ApplicationFailure).message, ...details };
}
