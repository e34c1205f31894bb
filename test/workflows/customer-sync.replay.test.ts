import { itReplaysRecordedHistories } from '../support/replay-histories';

describe('customerSync replays its recorded histories (determinism guard)', function () {
  this.timeout(120_000);
  itReplaysRecordedHistories({
    folder: 'customer-sync',
    required: {
      title:
        'has recorded histories to replay: a completed run, a resumed one, a continue-as-new chain, a retried page and a failure',
      files: [
        'completed-with-failures.json',
        'resumed-from-stored-cursor.json',
        'continued-as-new-first-run.json',
        'continued-as-new-last-run.json',
        'page-retried.json',
        'failed-crm-unauthorized.json',
      ],
    },
    changes: [
      {
        title: 'when the first page is read before the stored cursor, then replay fails with a determinism violation',
        workflowsPath: require.resolve('./fixtures/reordered-customer-sync.workflow'),
        history: 'completed-with-failures.json',
      },
    ],
  });
});
