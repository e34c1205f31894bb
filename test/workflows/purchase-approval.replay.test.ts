import { itReplaysRecordedHistories } from '../support/replay-histories';

/** Histories recorded by test/histories/purchase-approval/record-histories.ts from real runs. */
describe('purchaseApproval replays its recorded histories (determinism guard)', function () {
  this.timeout(120_000);
  itReplaysRecordedHistories({
    folder: 'purchase-approval',
    required: {
      title: 'has a recorded history of every path: auto-approval, two approvals, rejection, escalation, automatic rejection',
      files: ['auto-approved.json', 'approved-by-two.json', 'rejected-with-reason.json', 'escalated-approved-by-manager.json', 'auto-rejected.json'],
    },
    changes: [
      {
        title: 'when the approver is no longer emailed before the first wait, then replay fails with a determinism violation',
        workflowsPath: require.resolve('./fixtures/unannounced-purchase-approval.workflow'),
        history: 'escalated-approved-by-manager.json',
      },
    ],
  });
});
