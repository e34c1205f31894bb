import { ApplicationFailure } from '@temporalio/common';
import type { ApprovalPolicies } from '../../server/approvals/approval-policies-file';
import { resolveApprovalPolicy } from '../../server/approvals/resolve-approval-policy';
import {
  APPROVAL_POLICY_UNRESOLVED,
  type ApprovalPolicyRequest,
  type ResolvedApprovalPolicy,
} from '../../workflows/purchase-approval/approval-rules';

/**
 * The approval policy lookup of purchaseApproval. Thin: the policies were read and checked at
 * start-up; this answers from them, and its answer is recorded in the run's history, so a replay
 * decides as the run did even after the file changed.
 */
export function createApprovalPolicyActivities(approvalPolicies: ApprovalPolicies) {
  return {
    /** A request no policy can decide is a business refusal: non-retryable, the run fails with it. */
    async resolveApprovalPolicy(request: ApprovalPolicyRequest): Promise<ResolvedApprovalPolicy> {
      const resolution = resolveApprovalPolicy(approvalPolicies, request);
      if (resolution.resolved) return resolution.value;
      throw ApplicationFailure.create({
        type: APPROVAL_POLICY_UNRESOLVED,
        message: resolution.message,
        nonRetryable: true,
        details: [{ reason: resolution.reason, policy: resolution.policyName }],
      });
    },
  };
}
