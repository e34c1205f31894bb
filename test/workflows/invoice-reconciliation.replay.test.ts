import { itReplaysRecordedHistories } from '../support/replay-histories';

/** Histories recorded by test/workflows/invoice-reconciliation.record-histories.ts from real runs. */
describe('invoiceReconciliation replays its recorded histories (determinism guard)', function () {
  this.timeout(120_000);
  itReplaysRecordedHistories({
    folder: 'invoice-reconciliation',
    required: {
      title: 'has recorded histories to replay',
      files: ['completed.json', 'waited-for-window-end.json', 'previous-day.json', 'listing-refused.json'],
    },
    changes: [
      {
        title: 'when the run no longer waits for the window to end, then replay fails with a determinism violation',
        workflowsPath: require.resolve('./fixtures/unwaiting-invoice-reconciliation.workflow'),
        history: 'waited-for-window-end.json',
      },
    ],
  });
});
