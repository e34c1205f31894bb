import { itReplaysRecordedHistories } from '../support/replay-histories';

describe('orderToCash replays its recorded histories (determinism guard)', function () {
  this.timeout(120_000);
  itReplaysRecordedHistories({
    folder: 'order-to-cash',
    required: {
      title: 'has recorded histories to replay',
      files: ['completed.json', 'card-declined.json', 'cancelled-while-retrying.json', 'capture-failed.json'],
    },
    changes: [
      {
        title: 'when the steps are reordered, then replay fails with a determinism violation',
        workflowsPath: require.resolve('./fixtures/reordered-order-to-cash.workflow'),
        history: 'completed.json',
      },
      // The cancelInvoice compensation is behind patched(CANCEL_INVOICE_PATCH): capture-failed.json was
      // recorded before it and replays above. The same change without the patch would break that run.
      {
        title:
          'when the cancelInvoice compensation is not behind patched(), then replaying a run recorded before it fails',
        workflowsPath: require.resolve('../../workflows'),
        webpackConfigHook: (config) => ({
          ...config,
          resolve: {
            ...config.resolve,
            alias: {
              ...(config.resolve?.alias as Record<string, string> | undefined),
              '@temporalio/workflow$': require.resolve('./fixtures/unguarded-patched'),
            },
          },
        }),
        history: 'capture-failed.json',
        messageMatches: /cancelInvoice/,
      },
    ],
  });
});
