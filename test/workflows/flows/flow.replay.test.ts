import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker } from '@temporalio/worker';
import { expect } from 'chai';
import type { FlowRunInput } from '../../../workflows/flow/flow-run.types';
import { flowRunInputOf, loadFlowHistory, withChangedFlowRunInput } from '../../support/flow-histories';
import { itReplaysRecordedHistories } from '../../support/replay-histories';
import { sharedWorkflowBundle } from '../../support/workflow-bundle';

type TaskList = Record<string, Record<string, unknown>>[];

/** The top-level task list of the pinned document. */
const tasksOf = (input: FlowRunInput): TaskList => input.flow.document.do as TaskList;

function swapTasks(input: FlowRunInput, first: string, second: string): void {
  const tasks = tasksOf(input);
  const at = (name: string) => tasks.findIndex((item) => name in item);
  const [i, j] = [at(first), at(second)];
  expect([i, j], `tasks ${first} and ${second} of ${input.flow.name}`).not.to.include(-1);
  [tasks[i], tasks[j]] = [tasks[j]!, tasks[i]!];
}

function taskOf(input: FlowRunInput, name: string): Record<string, unknown> {
  const item = tasksOf(input).find((candidate) => name in candidate);
  expect(item, `task ${name} of ${input.flow.name}`).to.exist;
  return item![name]!;
}

/** Replays a (changed) recorded flow history on the production bundle: null, or what replay threw. */
async function replayError(history: unknown): Promise<unknown> {
  return Worker.runReplayHistory({ workflowBundle: await sharedWorkflowBundle() }, history, 'replay-changed').then(
    () => null,
    (error: unknown) => error,
  );
}

describe('flows replay their recorded histories (determinism guard)', function () {
  this.timeout(120_000);

  itReplaysRecordedHistories({
    folder: 'flows',
    required: {
      title: 'has recorded flow histories to replay',
      files: ['completed.json', 'saga-declined.json', 'listen-event.json', 'cancelled-while-listening.json'],
    },
    changes: [
      {
        title:
          'when the interpreter evaluates each value of a set in its own jq run, then replaying a run recorded before fails',
        workflowsPath: require.resolve('../../../workflows'),
        webpackConfigHook: (config) => ({
          ...config,
          resolve: {
            ...config.resolve,
            alias: {
              ...(config.resolve?.alias as Record<string, string> | undefined),
              // An absolute alias matches every import of the module, whatever relative path names it.
              [require.resolve('../../../workflows/flow/tasks/task-kinds').replace(/\.ts$/, '')]:
                require.resolve('../fixtures/set-per-value-task-kinds'),
            },
          },
        }),
        history: 'completed.json',
        // The second jq run of the set stands where the recorded run applied its export.as.
        messageMatches: /applyFlowTaskOutput/,
      },
    ],
  });

  describe('the definition travels in the run input: a run replayed with another definition', () => {
    it('runs the pinned document of its history', () => {
      const input = flowRunInputOf(loadFlowHistory('completed.json'));
      expect(input.flow).to.include({ name: 'pick-list', version: '1.0.0' });
      expect(tasksOf(input).map((item) => Object.keys(item)[0])).to.deep.equal([
        'prepare',
        'route',
        'notify',
        'checks',
        'stock',
        'summary',
      ]);
    });

    it('when a for and a fork are swapped, then replay fails with a determinism violation', async () => {
      const changed = withChangedFlowRunInput(loadFlowHistory('completed.json'), (input) =>
        swapTasks(input, 'notify', 'checks'),
      );
      expect(await replayError(changed)).to.be.instanceOf(DeterminismViolationError);
    });

    it('when a set is moved behind the listen task, then replay fails with a determinism violation', async () => {
      const changed = withChangedFlowRunInput(loadFlowHistory('listen-event.json'), (input) =>
        swapTasks(input, 'request', 'approval'),
      );
      expect(await replayError(changed)).to.be.instanceOf(DeterminismViolationError);
    });

    it('when the sales order no longer declares its compensation, then replaying the declined saga fails', async () => {
      const changed = withChangedFlowRunInput(loadFlowHistory('saga-declined.json'), (input) => {
        delete taskOf(input, 'createSalesOrder').metadata;
      });
      expect(await replayError(changed)).to.be.instanceOf(DeterminismViolationError);
    });

    // Replay compares the commands a run gives (their kinds and activity types), not their
    // arguments: every connector call is the activity callFlowFunction and every jq run a local
    // activity of one of two types. What keeps a run on its definition is the pinned document.
    it('when only arguments change (another connector function, two calls swapped), then replay cannot tell', async () => {
      const saga = loadFlowHistory('saga-declined.json');
      const otherFunction = withChangedFlowRunInput(saga, (input) => {
        taskOf(input, 'authorize').call = 'payment.capture';
      });
      const swappedCalls = withChangedFlowRunInput(saga, (input) => swapTasks(input, 'customer', 'createSalesOrder'));
      expect(await replayError(otherFunction)).to.equal(null);
      expect(await replayError(swappedCalls)).to.equal(null);
    });
  });
});
