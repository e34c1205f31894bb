import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { expect } from 'chai';
import { bundleWorkflows, bundlerLogger } from '../../server/worker/worker';

/** Recorded by test/workflows/invoice-reconciliation.record-histories.ts from real runs. */
const HISTORIES = join(__dirname, '..', 'histories', 'invoice-reconciliation');

function loadHistory(file: string): unknown {
  return JSON.parse(readFileSync(join(HISTORIES, file), 'utf8'));
}

describe('invoiceReconciliation replays its recorded histories (determinism guard)', function () {
  this.timeout(120_000);
  const files = readdirSync(HISTORIES).filter((file) => file.endsWith('.json'));
  let bundle: WorkflowBundle;

  before(async () => {
    bundle = await bundleWorkflows();
  });

  it('has recorded histories to replay', () => {
    expect(files).to.include.members(['completed.json', 'waited-for-window-end.json', 'previous-day.json', 'listing-refused.json']);
  });

  for (const file of files) {
    it(`replays ${file} without a determinism violation`, async () => {
      await Worker.runReplayHistory({ workflowBundle: bundle }, loadHistory(file), `replay-${file}`);
    });
  }

  it('when the run no longer waits for the window to end, then replay fails with a determinism violation', async () => {
    const changed = await bundleWorkflowCode({ workflowsPath: require.resolve('./fixtures/unwaiting-invoice-reconciliation.workflow'), logger: bundlerLogger() });
    const error = await Worker.runReplayHistory({ workflowBundle: changed }, loadHistory('waited-for-window-end.json'), 'replay-unwaiting').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(DeterminismViolationError);
  });
});
