import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker, type BundleOptions } from '@temporalio/worker';
import { expect } from 'chai';
import { bundleTestWorkflows, sharedWorkflowBundle } from './workflow-bundle';

/** A deliberately changed workflow that a recorded history must refuse to replay. */
export interface ChangedWorkflow {
  /** The test's title: the change, and that replay fails. */
  title: string;
  workflowsPath: string;
  webpackConfigHook?: BundleOptions['webpackConfigHook'];
  /** The file (in the process's history folder) that the change must fail to replay. */
  history: string;
  /** What the determinism violation must name, where the proof depends on which step diverged. */
  messageMatches?: RegExp;
}

export interface RecordedHistories {
  /** The process's folder under test/histories/. */
  folder: string;
  /** The histories that must be there: a missing recording would shrink the guard silently. */
  required: { title: string; files: readonly string[]; nothingElse?: boolean };
  /** The workflow ID to replay a file under; only needed where the workflow derives IDs from its own. */
  workflowIdOf?: (file: string) => string;
  changes: readonly ChangedWorkflow[];
}

const HISTORIES = join(__dirname, '..', 'histories');

/**
 * Declares, in the calling `describe`, the determinism guard of one process: every recorded
 * history replays on the production bundle, and each changed workflow fails to replay its history.
 */
export function itReplaysRecordedHistories(suite: RecordedHistories): void {
  const folder = join(HISTORIES, suite.folder);
  const files = readdirSync(folder).filter((file) => file.endsWith('.json'));
  const loadHistory = (file: string): unknown => JSON.parse(readFileSync(join(folder, file), 'utf8'));
  const workflowIdOf = suite.workflowIdOf ?? ((file: string) => `replay-${file}`);

  before(async () => {
    await sharedWorkflowBundle();
  });

  it(suite.required.title, () => {
    if (suite.required.nothingElse) expect(files).to.have.members([...suite.required.files]);
    else expect(files).to.include.members([...suite.required.files]);
  });

  for (const file of files) {
    it(`replays ${file} without a determinism violation`, async () => {
      await Worker.runReplayHistory(
        { workflowBundle: await sharedWorkflowBundle() },
        loadHistory(file),
        workflowIdOf(file),
      );
    });
  }

  for (const change of suite.changes) {
    it(change.title, async () => {
      const changed = await bundleTestWorkflows(change.workflowsPath, change.webpackConfigHook);
      const error = await Worker.runReplayHistory(
        { workflowBundle: changed },
        loadHistory(change.history),
        workflowIdOf(change.history),
      ).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(DeterminismViolationError);
      if (change.messageMatches) expect((error as Error).message).to.match(change.messageMatches);
    });
  }
}
