/**
 * What a run decides by: a policy (the server's answer, or the input of a run from before the
 * policy moved to the server), the approvers its total needs, and its durations in milliseconds.
 * Workflow-safe: plain code, the run's start time given.
 */
import { approvalsRequired, durationMs, type ApprovalPolicy, type ChainLink } from './approval-rules';

export interface ApprovalPlan {
  /** The server policy's name; null for a run that took its policy from its input. */
  policyName: string | null;
  policy: ApprovalPolicy;
  approvers: readonly ChainLink[];
  needed: 0 | 1 | 2;
  reminderMs: number;
  escalateMs: number;
  /** Epoch ms of the automatic rejection. */
  deadline: number;
}

/** The plan, or why there is none (a start that bypassed the input schema, or a policy the server should have refused). */
export function approvalPlan(
  source: {
    policyName: string | null;
    policy: ApprovalPolicy | undefined;
    approvers: readonly ChainLink[] | undefined;
  },
  total: number,
  startTime: Date,
): ApprovalPlan | { refused: string } {
  const { policyName, policy } = source;
  if (!policy) return { refused: 'The request has no approval policy' };
  let durations: Pick<ApprovalPlan, 'reminderMs' | 'escalateMs' | 'deadline'>;
  try {
    durations = {
      reminderMs: durationMs(policy.reminderAfter),
      escalateMs: durationMs(policy.escalateAfter),
      deadline: startTime.getTime() + durationMs(policy.autoRejectAfter),
    };
  } catch (error) {
    return { refused: `Invalid policy duration: ${(error as Error).message}` };
  }
  const needed = approvalsRequired(total, policy);
  const approvers = source.approvers ?? [];
  if (approvers.length < needed)
    return { refused: `A total of ${total} needs ${needed} approvers, ${approvers.length} given` };
  return { policyName, policy, approvers, needed, ...durations };
}
