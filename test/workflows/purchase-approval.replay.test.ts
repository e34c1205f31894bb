import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { expect } from 'chai';
import { bundleWorkflows, bundlerLogger } from '../../server/worker/worker';

/** Recorded by test/histories/purchase-approval/record-histories.ts from real runs. */
const HISTORIES = join(__dirname, '..', 'histories', 'purchase-approval');

function loadHistory(file: string): unknown {
  return JSON.parse(readFileSync(join(HISTORIES, file), 'utf8'));
}

describe('purchaseApproval replays its recorded histories (determinism guard)', function () {
  this.timeout(120_000);
  const files = readdirSync(HISTORIES).filter((file) => file.endsWith('.json'));
  let bundle: WorkflowBundle;

  before(async () => {
    bundle = await bundleWorkflows();
  });

  it('has a recorded history of every path: auto-approval, two approvals, rejection, escalation, automatic rejection', () => {
    expect(files).to.include.members([
      'auto-approved.json',
      'approved-by-two.json',
      'rejected-with-reason.json',
      'escalated-approved-by-manager.json',
      'auto-rejected.json',
    ]);
  });

  for (const file of files) {
    it(`replays ${file} without a determinism violation`, async () => {
      await Worker.runReplayHistory({ workflowBundle: bundle }, loadHistory(file), `replay-${file}`);
    });
  }

  it('when the approver is no longer emailed before the first wait, then replay fails with a determinism violation', async () => {
    const changed = await bundleWorkflowCode({ workflowsPath: require.resolve('./fixtures/unannounced-purchase-approval.workflow'), logger: bundlerLogger() });
    const error = await Worker.runReplayHistory({ workflowBundle: changed }, loadHistory('escalated-approved-by-manager.json'), 'replay-changed').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(DeterminismViolationError);
  });
});
