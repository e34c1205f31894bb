import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { expect } from 'chai';
import { bundleWorkflows, bundlerLogger } from '../../server/worker/worker';

const HISTORIES = join(__dirname, '..', 'histories', 'customer-sync');

function loadHistory(file: string): unknown {
  return JSON.parse(readFileSync(join(HISTORIES, file), 'utf8'));
}

describe('customerSync replays its recorded histories (determinism guard)', function () {
  this.timeout(120_000);
  const files = readdirSync(HISTORIES).filter((file) => file.endsWith('.json'));
  let bundle: WorkflowBundle;

  before(async () => {
    bundle = await bundleWorkflows();
  });

  it('has recorded histories to replay: a completed run, a resumed one, a continue-as-new chain, a retried page and a failure', () => {
    expect(files).to.include.members([
      'completed-with-failures.json',
      'resumed-from-stored-cursor.json',
      'continued-as-new-first-run.json',
      'continued-as-new-last-run.json',
      'page-retried.json',
      'failed-crm-unauthorized.json',
    ]);
  });

  for (const file of files) {
    it(`replays ${file} without a determinism violation`, async () => {
      await Worker.runReplayHistory({ workflowBundle: bundle }, loadHistory(file), `replay-${file}`);
    });
  }

  it('when the first page is read before the stored cursor, then replay fails with a determinism violation', async () => {
    const reordered = await bundleWorkflowCode({ workflowsPath: require.resolve('./fixtures/reordered-customer-sync.workflow'), logger: bundlerLogger() });
    const error = await Worker.runReplayHistory({ workflowBundle: reordered }, loadHistory('completed-with-failures.json'), 'replay-reordered').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(DeterminismViolationError);
  });
});
