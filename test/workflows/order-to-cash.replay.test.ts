import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { expect } from 'chai';
import { bundleWorkflows, bundlerLogger } from '../../server/worker/worker';

const HISTORIES = join(__dirname, '..', 'histories', 'order-to-cash');

function loadHistory(file: string): unknown {
  return JSON.parse(readFileSync(join(HISTORIES, file), 'utf8'));
}

describe('orderToCash replays its recorded histories (determinism guard)', function () {
  this.timeout(120_000);
  const files = readdirSync(HISTORIES).filter((file) => file.endsWith('.json'));
  let bundle: WorkflowBundle;

  before(async () => {
    bundle = await bundleWorkflows();
  });

  it('has recorded histories to replay', () => {
    expect(files).to.include.members(['completed.json', 'card-declined.json', 'cancelled-while-retrying.json', 'capture-failed.json']);
  });

  for (const file of files) {
    it(`replays ${file} without a determinism violation`, async () => {
      await Worker.runReplayHistory({ workflowBundle: bundle }, loadHistory(file), `replay-${file}`);
    });
  }

  it('when the steps are reordered, then replay fails with a determinism violation', async () => {
    const reordered = await bundleWorkflowCode({ workflowsPath: require.resolve('./fixtures/reordered-order-to-cash.workflow'), logger: bundlerLogger() });
    const error = await Worker.runReplayHistory({ workflowBundle: reordered }, loadHistory('completed.json'), 'replay-reordered').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(DeterminismViolationError);
  });

  // The cancelInvoice compensation is behind patched(CANCEL_INVOICE_PATCH): capture-failed.json was
  // recorded before it and replays above. The same change without the patch would break that run.
  it('when the cancelInvoice compensation is not behind patched(), then replaying a run recorded before it fails', async () => {
    const unguarded = await bundleWorkflowCode({
      workflowsPath: require.resolve('../../workflows'),
      logger: bundlerLogger(),
      webpackConfigHook: (config) => ({
        ...config,
        resolve: { ...config.resolve, alias: { ...(config.resolve?.alias as Record<string, string> | undefined), '@temporalio/workflow$': require.resolve('./fixtures/unguarded-patched') } },
      }),
    });
    const error = await Worker.runReplayHistory({ workflowBundle: unguarded }, loadHistory('capture-failed.json'), 'replay-unguarded').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(DeterminismViolationError);
    expect((error as Error).message).to.match(/cancelInvoice/);
  });
});
