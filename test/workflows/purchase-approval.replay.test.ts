import type { BundleOptions } from '@temporalio/worker';
import { itReplaysRecordedHistories } from '../support/replay-histories';

/** With patched() always true: the approval policy lookup as if it had been added without a patch. */
const unguardedPatch: Pick<BundleOptions, 'workflowsPath' | 'webpackConfigHook'> = {
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
};

/**
 * Histories recorded by test/histories/purchase-approval/record-histories.ts from real runs: the
 * policy-*.json files on the server's approval policy (the approval-policy-from-server patch), the
 * others before it, with the policy and the chain in the input.
 */
describe('purchaseApproval replays its recorded histories (determinism guard)', function () {
  this.timeout(120_000);
  itReplaysRecordedHistories({
    folder: 'purchase-approval',
    required: {
      title: 'has a recorded history of every path, from before and after the approval policy moved to the server',
      files: [
        'auto-approved.json',
        'approved-by-two.json',
        'rejected-with-reason.json',
        'escalated-approved-by-manager.json',
        'auto-rejected.json',
        'policy-auto-approved.json',
        'policy-approved-by-two.json',
        'policy-rejected-with-reason.json',
        'policy-escalated-approved-by-manager.json',
        'policy-auto-rejected.json',
        'policy-unresolved.json',
      ],
      nothingElse: true,
    },
    changes: [
      {
        title:
          'when the approver is no longer emailed before the first wait, then replaying a run from before the policy moved to the server fails',
        workflowsPath: require.resolve('./fixtures/unannounced-purchase-approval.workflow'),
        history: 'escalated-approved-by-manager.json',
      },
      {
        title:
          'when the approver is no longer emailed before the first wait, then replaying a run on the server policy fails',
        workflowsPath: require.resolve('./fixtures/unannounced-purchase-approval.workflow'),
        history: 'policy-escalated-approved-by-manager.json',
      },
      // The policy lookup is behind patched(APPROVAL_POLICY_PATCH): approved-by-two.json was recorded
      // before it and replays above. The same change without the patch would break that run.
      {
        title: 'when the approval policy lookup is not behind patched(), then replaying a run recorded before it fails',
        ...unguardedPatch,
        history: 'approved-by-two.json',
        // The lookup (an activity) meets the status upsert the old run recorded instead.
        messageMatches:
          /Activity machine does not handle this event: HistoryEvent\(id: 6, UpsertWorkflowSearchAttributes\)/,
      },
    ],
  });
});
