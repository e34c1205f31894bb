/** Zod-free types, message definitions and helpers of purchaseApproval: safe to import from workflow code. */
import { defineUpdate } from '@temporalio/workflow';
import type { ApprovalDecision, ApprovalSummary, DecisionOutcome, DecisionRequest } from './approval-rules';

export type { PurchaseApprovalInput, PurchaseApprovalRequest } from './purchase-approval.input';
export type {
  ApprovalDecision,
  ApprovalSummary,
  DecisionOutcome,
  DecisionRequest,
  ResolvedApprovalPolicy,
} from './approval-rules';
export { APPROVAL_POLICY_UNRESOLVED } from './approval-rules';

/** What the approve/reject updates answer: the request's state once the decision is recorded. */
export interface ApprovalUpdateResult extends ApprovalSummary {
  requestId: string;
}

export interface PurchaseApprovalResult {
  requestId: string;
  decision: DecisionOutcome;
  /** Emails of the people who decided, in order; empty when the decision was automatic. */
  decidedBy: string[];
  decisions: ApprovalDecision[];
  /** Approved below the threshold, or rejected at the deadline, without a person deciding. */
  automatic: boolean;
  /** The ERP's purchase order, when approved. */
  purchaseOrderId?: string;
  /** When rejected: the approver's comment, or why it was rejected automatically. */
  reason?: string;
  total: { amount: number; currency: string };
  /** The server's approval policy that decided (absent in runs from before policies moved to the server). */
  policy?: string;
}

/** Wire names: never renamed once shipped. */
export const approveUpdate = defineUpdate<ApprovalUpdateResult, [DecisionRequest], 'approve'>('approve');
export const rejectUpdate = defineUpdate<ApprovalUpdateResult, [DecisionRequest], 'reject'>('reject');

/** Failure type of a refused decision (the update validators' answer). */
export const DECISION_REFUSED = 'DecisionRefused';

/**
 * Patch id (never renamed): from it on, the approval policy comes from the server
 * (resolveApprovalPolicy) and the input's `policy` and `approvers` are ignored.
 */
export const APPROVAL_POLICY_PATCH = 'approval-policy-from-server';

export function purchaseWorkflowId(requestId: string): string {
  return `purchase-${requestId}`;
}
