import { itReplaysRecordedHistories } from '../support/replay-histories';

/**
 * The parent derives its children's IDs from its own, so each history replays under the workflow
 * ID it was recorded with (test/workflows/notification-fanout.record-histories.ts prints them).
 */
const WORKFLOW_IDS: Readonly<Record<string, string>> = {
  'completed-with-refusals.json': 'notify-maintenance-2030-01',
  'batch-with-refusals.json': 'notify-maintenance-2030-01-batch-1',
  'incomplete-batches.json': 'notify-maintenance-2030-02',
  'resumed-after-worker-stop.json': 'notify-maintenance-2030-03',
  'batch-resumed-after-worker-stop.json': 'notify-maintenance-2030-03-batch-1',
};

describe('notificationFanout and notificationBatch replay their recorded histories (determinism guard)', function () {
  this.timeout(120_000);
  itReplaysRecordedHistories({
    folder: 'notification-fanout',
    required: {
      title: 'has recorded histories to replay, each with the workflow ID it was recorded under',
      files: Object.keys(WORKFLOW_IDS),
      nothingElse: true,
    },
    workflowIdOf: (file) => WORKFLOW_IDS[file],
    changes: [
      {
        title:
          'when batches are sent by activities instead of child workflows, then replay fails with a determinism violation',
        workflowsPath: require.resolve('./fixtures/inline-notification-fanout.workflow'),
        history: 'completed-with-refusals.json',
      },
    ],
  });
});
