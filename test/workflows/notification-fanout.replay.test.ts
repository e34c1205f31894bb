import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { expect } from 'chai';
import { bundleWorkflows, bundlerLogger } from '../../server/worker/worker';

/** Parent and child histories, recorded by test/workflows/notification-fanout.record-histories.ts from real runs. */
const HISTORIES = join(__dirname, '..', 'histories', 'notification-fanout');

/**
 * The parent derives its children's IDs from its own, so each history replays under the workflow
 * ID it was recorded with (the recorder prints them).
 */
const WORKFLOW_IDS: Readonly<Record<string, string>> = {
  'completed-with-refusals.json': 'notify-maintenance-2030-01',
  'batch-with-refusals.json': 'notify-maintenance-2030-01-batch-1',
  'incomplete-batches.json': 'notify-maintenance-2030-02',
  'resumed-after-worker-stop.json': 'notify-maintenance-2030-03',
  'batch-resumed-after-worker-stop.json': 'notify-maintenance-2030-03-batch-1',
};

function loadHistory(file: string): unknown {
  return JSON.parse(readFileSync(join(HISTORIES, file), 'utf8'));
}

describe('notificationFanout and notificationBatch replay their recorded histories (determinism guard)', function () {
  this.timeout(120_000);
  const files = readdirSync(HISTORIES).filter((file) => file.endsWith('.json'));
  let bundle: WorkflowBundle;

  before(async () => {
    bundle = await bundleWorkflows();
  });

  it('has recorded histories to replay, each with the workflow ID it was recorded under', () => {
    expect(files).to.have.members(Object.keys(WORKFLOW_IDS));
  });

  for (const file of files) {
    it(`replays ${file} without a determinism violation`, async () => {
      await Worker.runReplayHistory({ workflowBundle: bundle }, loadHistory(file), WORKFLOW_IDS[file]);
    });
  }

  it('when batches are sent by activities instead of child workflows, then replay fails with a determinism violation', async () => {
    const changed = await bundleWorkflowCode({ workflowsPath: require.resolve('./fixtures/inline-notification-fanout.workflow'), logger: bundlerLogger() });
    const error = await Worker.runReplayHistory({ workflowBundle: changed }, loadHistory('completed-with-refusals.json'), WORKFLOW_IDS['completed-with-refusals.json']).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(DeterminismViolationError);
  });
});
