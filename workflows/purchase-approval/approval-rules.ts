/**
 * The approval rules of purchaseApproval as plain, deterministic code: who must approve, who may
 * decide now, and what a decision does to the request. Workflow-safe (no zod, no I/O, no clock:
 * every transition is given its instant), so the workflow, its update validators and the input
 * schema share one definition of the rules.
 */
// The SDK's own ms-string parser, so a duration means here what it means to a timer.
import { msToNumber, type Duration } from '@temporalio/common';
import type { PendingApproval } from '../shared/progress';

/** Milliseconds, or an ms-style string ('24h', '2 days') as Temporal timers accept it. */
export type DurationInput = string | number;

export interface ApprovalPolicy {
  /** Requests of at least this total (minor units) need one approver; below it they are approved at once. */
  oneApproverFrom: number;
  /** Requests of at least this total (minor units) need two approvers, in sequence. */
  twoApproversFrom: number;
  /** Per step: the pending approver is reminded once after this long without a decision. */
  reminderAfter: DurationInput;
  /** Per step: after this long without a decision the approver's manager is asked instead. */
  escalateAfter: DurationInput;
  /** Per request, from its start: with no final decision by then, it is rejected automatically. */
  autoRejectAfter: DurationInput;
}

/** One link of an approval chain, in order: the approver, and who is asked when the step is escalated. */
export interface ChainLink {
  email: string;
  managerEmail: string;
}

/**
 * What the server's approval policy decides for one request (the resolveApprovalPolicy activity,
 * recorded in history): the thresholds and durations of the policy that applies, and the approvers
 * the total needs, in order. None of them, nor their managers, is the requester.
 */
export interface ResolvedApprovalPolicy {
  /** The policy's name in the policy file (`default`, or a cost centre's policy). */
  policyName: string;
  /** Thresholds in the request's currency, and the durations. */
  policy: ApprovalPolicy;
  /** Exactly as many links as the total needs (0, 1 or 2). */
  approvers: ChainLink[];
}

/** What the policy lookup is told about a request: business facts the workflow computed, never a choice of the caller. */
export interface ApprovalPolicyRequest {
  costCentre: string;
  requesterEmail: string;
  /** Minor units of `currency`. */
  total: number;
  currency: string;
}

/**
 * Failure type (non-retryable) of a request no policy can decide: no policy for its cost centre
 * and no default, no thresholds in its currency, or too few approvers left once the requester is
 * left out of the chain. The run fails with it.
 */
export const APPROVAL_POLICY_UNRESOLVED = 'ApprovalPolicyUnresolved';

export type DecisionOutcome = 'approved' | 'rejected';

/** The argument of the `approve` and `reject` updates. */
export interface DecisionRequest {
  /** Email of the person deciding. */
  approver: string;
  /** Free text; required (the reason) for `reject`. */
  comment?: string;
}

export interface ApprovalDecision {
  step: number;
  approver: string;
  decision: DecisionOutcome;
  comment?: string;
  /** ISO-8601 instant the decision was accepted. */
  at: string;
  /** The decision came from the manager the step had been escalated to. */
  byManager: boolean;
}

export type RequestStatus = 'pending' | DecisionOutcome;

/** What the updates return and the result is built from. */
export interface ApprovalSummary {
  status: RequestStatus;
  pending: PendingApproval | null;
  decisions: ApprovalDecision[];
  /** Set when rejected: the approver's comment or why the request was rejected automatically. */
  reason?: string;
  /** Decided without a person: approved below the threshold, or rejected at the deadline. */
  automatic: boolean;
}

/** Milliseconds of a duration; throws on a string that is not one (the input schema refuses those). */
export function durationMs(duration: DurationInput): number {
  return msToNumber(duration as Duration);
}

/** Total of the request's lines in minor units. */
export function requestTotal(lines: readonly { quantity: number; unitAmount: number }[]): number {
  return lines.reduce((sum, line) => sum + line.quantity * line.unitAmount, 0);
}

/** How many approvers a request of `total` (minor units) needs: thresholds are inclusive lower bounds. */
export function approvalsRequired(
  total: number,
  policy: Pick<ApprovalPolicy, 'oneApproverFrom' | 'twoApproversFrom'>,
): 0 | 1 | 2 {
  if (total >= policy.twoApproversFrom) return 2;
  if (total >= policy.oneApproverFrom) return 1;
  return 0;
}

export function sameEmail(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/**
 * The state of one request's approvals. Transitions:
 * - `start`: with no approval needed the request is approved at once, otherwise step 1 is pending
 *   with the chain's first approver;
 * - `escalate`: the step's pending approver becomes the approver's manager; the original approver
 *   may still decide (escalation widens who may act, it does not take the request away);
 * - `decide`: an approval moves to the next step (pending at once, so there is never a gap in
 *   which nobody may decide) or approves the request; a rejection ends it;
 * - `expire`: rejects a still-pending request at the deadline.
 * `refusal` says why a decision may not be taken now; it is the update validators' rule.
 */
export class ApprovalBook {
  private status: RequestStatus = 'pending';
  private pending: PendingApproval | null = null;
  private readonly decisions: ApprovalDecision[] = [];
  private reason: string | undefined;
  private automatic = false;

  constructor(
    private readonly chain: readonly ChainLink[],
    private readonly stepsRequired: number,
  ) {
    if (chain.length < stepsRequired)
      throw new RangeError(`${stepsRequired} approvals need ${stepsRequired} approvers, the chain has ${chain.length}`);
  }

  start(at: Date): void {
    if (this.stepsRequired === 0) {
      this.status = 'approved';
      this.automatic = true;
      return;
    }
    this.ask(1, at);
  }

  /** The step waiting for a decision, or null when none is (not started, or decided). */
  get pendingStep(): number | null {
    return this.pending?.step ?? null;
  }

  /** The decision taken at `step`, if any. */
  decisionAt(step: number): ApprovalDecision | undefined {
    return this.decisions.find((decision) => decision.step === step);
  }

  get decided(): boolean {
    return this.status !== 'pending';
  }

  /** The link of the chain asked at `step` (1-based). */
  link(step: number): ChainLink {
    const link = this.chain[step - 1];
    if (!link) throw new RangeError(`no approver for step ${step}`);
    return link;
  }

  escalate(step: number, at: Date): void {
    if (!this.pending || this.pending.step !== step || this.pending.escalated) return;
    const { email, managerEmail } = this.link(step);
    this.pending = {
      ...this.pending,
      approver: managerEmail,
      since: at.toISOString(),
      escalated: true,
      escalatedFrom: email,
    };
  }

  /** Why `request` may not be taken as a decision now, or null when it may. */
  refusal(outcome: DecisionOutcome, request: unknown): string | null {
    if (!isDecisionRequest(request)) return 'The decision needs an approver email and, if given, a text comment.';
    if (outcome === 'rejected' && !request.comment?.trim()) return 'A rejection needs a comment giving the reason.';
    if (this.status !== 'pending') return `The request is already ${this.status}; nothing is waiting for a decision.`;
    const pending = this.pending;
    if (!pending) return 'Nothing is waiting for a decision.';
    const mayDecide = [pending.approver, ...(pending.escalatedFrom ? [pending.escalatedFrom] : [])];
    if (!mayDecide.some((email) => sameEmail(email, request.approver))) {
      return `${request.approver} may not decide step ${pending.step} of ${pending.steps}: it is waiting for ${mayDecide.join(' or ')}.`;
    }
    // Four eyes: a later step must not be approved by someone who approved an earlier one.
    const earlier = this.decisions.find((decision) => sameEmail(decision.approver, request.approver));
    if (earlier)
      return `${request.approver} already approved step ${earlier.step}; step ${pending.step} needs another person.`;
    return null;
  }

  /** Applies a decision `refusal` accepted; throws when it would not (a bug or a non-validated caller). */
  decide(outcome: DecisionOutcome, request: DecisionRequest, at: Date): ApprovalSummary {
    const refused = this.refusal(outcome, request);
    if (refused) throw new Error(refused);
    const pending = this.pending as PendingApproval;
    const comment = request.comment?.trim();
    this.decisions.push({
      step: pending.step,
      approver: request.approver.trim().toLowerCase(),
      decision: outcome,
      ...(comment ? { comment } : {}),
      at: at.toISOString(),
      byManager: pending.escalated && sameEmail(pending.approver, request.approver),
    });
    if (outcome === 'rejected') {
      this.finish('rejected', comment);
    } else if (pending.step < pending.steps) {
      this.ask(pending.step + 1, at);
    } else {
      this.finish('approved');
    }
    return this.summary();
  }

  /** Rejects the request at the deadline if it is still pending. */
  expire(reason: string): void {
    if (this.status !== 'pending') return;
    this.automatic = true;
    this.finish('rejected', reason);
  }

  summary(): ApprovalSummary {
    return {
      status: this.status,
      pending: this.pending ? { ...this.pending } : null,
      decisions: this.decisions.map((decision) => ({ ...decision })),
      ...(this.reason !== undefined ? { reason: this.reason } : {}),
      automatic: this.automatic,
    };
  }

  private ask(step: number, at: Date): void {
    this.pending = {
      step,
      steps: this.stepsRequired,
      approver: this.link(step).email,
      since: at.toISOString(),
      escalated: false,
    };
  }

  private finish(status: DecisionOutcome, reason?: string): void {
    this.status = status;
    this.pending = null;
    if (reason !== undefined) this.reason = reason;
  }
}

function isDecisionRequest(value: unknown): value is DecisionRequest {
  if (typeof value !== 'object' || value === null) return false;
  const { approver, comment } = value as Record<string, unknown>;
  return (
    typeof approver === 'string' && approver.trim().length > 0 && (comment === undefined || typeof comment === 'string')
  );
}
