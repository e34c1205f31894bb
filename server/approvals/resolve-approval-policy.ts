/**
 * Which policy decides a purchase request and who approves it: the cost centre's policy (else the
 * default), the thresholds of the request's currency, and as many links of the policy's chain as
 * the total needs, from the top.
 *
 * The requester never decides their own request: a link whose approver or manager is the
 * requester is skipped and the next link takes the step. A manager link is skipped too because
 * escalation hands the step to the manager, who must not be the requester either.
 */
import {
  approvalsRequired,
  sameEmail,
  type ApprovalPolicyRequest,
  type ResolvedApprovalPolicy,
} from '../../workflows/purchase-approval/approval-rules';
import type { ApprovalPolicies } from './approval-policies-file';

export type UnresolvedReason = 'no-policy' | 'currency-not-covered' | 'chain-too-short';

export type PolicyResolution =
  | { resolved: true; value: ResolvedApprovalPolicy }
  | { resolved: false; reason: UnresolvedReason; policyName: string | null; message: string };

export function resolveApprovalPolicy(policies: ApprovalPolicies, request: ApprovalPolicyRequest): PolicyResolution {
  const policy = policies.policyFor(request.costCentre);
  if (!policy) {
    const known = policies.policies.length
      ? `policies: ${policies.policies.map((p) => p.name).join(', ')}`
      : 'no policies are configured';
    return {
      resolved: false,
      reason: 'no-policy',
      policyName: null,
      message: `No approval policy decides cost centre ${request.costCentre}, and there is no default policy (${known}; ${policies.source}).`,
    };
  }
  const thresholds = policy.thresholds[request.currency];
  if (!thresholds) {
    return {
      resolved: false,
      reason: 'currency-not-covered',
      policyName: policy.name,
      message: `Approval policy "${policy.name}" has no thresholds in ${request.currency} (it covers ${Object.keys(policy.thresholds).join(', ')}).`,
    };
  }
  const needed = approvalsRequired(request.total, thresholds);
  const eligible = policy.approvers.filter(
    (link) => !sameEmail(link.email, request.requesterEmail) && !sameEmail(link.managerEmail, request.requesterEmail),
  );
  if (eligible.length < needed) {
    const left = policy.approvers.length - eligible.length;
    return {
      resolved: false,
      reason: 'chain-too-short',
      policyName: policy.name,
      message:
        `A total of ${request.total} ${request.currency} (minor units) needs ${needed} approvers; approval policy "${policy.name}" has ${eligible.length} ` +
        `who may decide for ${request.requesterEmail}${left ? ` (${left} left out: the requester is their approver or manager)` : ''}.`,
    };
  }
  return {
    resolved: true,
    value: {
      policyName: policy.name,
      policy: {
        oneApproverFrom: thresholds.oneApproverFrom,
        twoApproversFrom: thresholds.twoApproversFrom,
        reminderAfter: policy.reminderAfter,
        escalateAfter: policy.escalateAfter,
        autoRejectAfter: policy.autoRejectAfter,
      },
      approvers: eligible.slice(0, needed).map(({ email, managerEmail }) => ({ email, managerEmail })),
    },
  };
}
