import {
  ApplicationFailure,
  condition,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { PurchaseEmail, PurchaseFacts } from '../../activities/purchase-approval.activities';
import { connectorCall } from '../shared/activity-options';
import { describeFailure, ProgressTracker } from '../shared/progress-tracker';
import { BusinessKey, type ProcessStatusValue } from '../shared/search-attributes';
import { approvalPlan, type ApprovalPlan } from './approval-plan';
import { APPROVAL_POLICY_UNRESOLVED, ApprovalBook, requestTotal, type DecisionOutcome } from './approval-rules';
import {
  APPROVAL_POLICY_PATCH,
  approveUpdate,
  DECISION_REFUSED,
  rejectUpdate,
  type PurchaseApprovalInput,
  type PurchaseApprovalResult,
} from './purchase-approval.types';

const steps = proxyActivities<Activities>(connectorCall);

/** Failure type of the run when the approved order or the requester's notice could not be done. */
export const PURCHASE_APPROVAL_FAILED = 'PurchaseApprovalFailed';
/** Failure type of a run started with an input the schema would have refused. */
export const INVALID_PURCHASE_REQUEST = 'InvalidPurchaseRequest';

/**
 * The workflow clock: inside the sandbox `Date` is the time of the current workflow task, taken
 * from history, so it is the same on every replay.
 */
function now(): Date {
  return new Date();
}

/**
 * Purchase approval. The approval policy on the server (the resolveApprovalPolicy activity: the
 * cost centre's policy, else the default) gives the thresholds, the durations and the approvers
 * the total needs (none, one, or two in sequence); approvers decide through the `approve` /
 * `reject` updates, whose validators refuse anyone who is not the pending approver, so the caller
 * learns at once. Runs from before the `approval-policy-from-server` patch decide by the
 * `policy` and `approvers` of their input, as they started; later runs ignore both.
 *
 * Timers: each step reminds its approver after `reminderAfter` and escalates to the approver's
 * manager after `escalateAfter`, both measured from when the step's approver was asked; the
 * request is rejected automatically `autoRejectAfter` after the run started (one deadline for the
 * whole request, so a requester waits at most that long whatever the chain). Each wait is
 * `condition(decided, remaining)`, which cancels its timer as soon as a decision arrives: no timer
 * outlives its step.
 *
 * On approval the purchase order is created in the ERP (externalReference = requestId) and the
 * requester emailed; on rejection the requester is emailed the reason. A rejection is a normal
 * completion. Writes carry `<workflowId>:<step>` idempotency keys.
 */
export async function purchaseApproval(input: PurchaseApprovalInput): Promise<PurchaseApprovalResult> {
  const { workflowId, startTime } = workflowInfo();
  const key = (step: string) => `${workflowId}:${step}`;
  const use = { erp: input.connectors?.erp ?? 'erp.main', email: input.connectors?.email ?? 'email.main' };
  const total = requestTotal(input.lines);
  const facts: PurchaseFacts = {
    requestId: input.requestId,
    workflowId,
    requester: input.requester,
    costCentre: input.costCentre,
    supplier: input.supplier,
    currency: input.currency,
    lines: input.lines,
  };
  const progress = new ProgressTracker();
  // Only a start that bypassed the input schema (or a policy the server should have refused) fails
  // these checks: fail the run, not its workflow task forever.
  const refuse = (message: string) => {
    progress.setStatus('FAILED');
    return ApplicationFailure.nonRetryable(message, INVALID_PURCHASE_REQUEST);
  };
  const planOf = (source: Parameters<typeof approvalPlan>[0]): ApprovalPlan => {
    const plan = approvalPlan(source, total, startTime);
    if ('refused' in plan) throw refuse(plan.refused);
    return plan;
  };

  // Runs started before this change carry no marker: they keep deciding by their input.
  const policyFromServer = patched(APPROVAL_POLICY_PATCH);
  const legacyPlan = policyFromServer
    ? null
    : planOf({ policyName: null, policy: input.policy, approvers: input.approvers });
  /** The request's approvals, once its policy is known; the handlers and `progress` read it. */
  let book: ApprovalBook | null = null;
  let shownStatus: ProcessStatusValue | null = null;
  /** Mirrors the book into the progress query and the ProcessStatus search attribute. */
  const publish = (status?: ProcessStatusValue) => {
    const pending = book?.summary().pending ?? null;
    progress.setPending(pending);
    const next = status ?? (pending ? 'WAITING_FOR_APPROVAL' : 'RUNNING');
    if (next !== shownStatus) progress.setStatus(next);
    shownStatus = next;
  };
  const startBook = (plan: ApprovalPlan): ApprovalBook => {
    const started = new ApprovalBook(plan.approvers, plan.needed);
    book = started;
    started.start(now());
    publish();
    return started;
  };

  /**
   * Asks the server's approval policy; its answer is recorded in history. A request no policy can
   * decide fails the run with APPROVAL_POLICY_UNRESOLVED.
   */
  async function resolvePlan(): Promise<ApprovalPlan> {
    try {
      const resolved = await progress.step('approvalPolicy', () =>
        steps.resolveApprovalPolicy({
          costCentre: input.costCentre,
          requesterEmail: input.requester.email,
          total,
          currency: input.currency,
        }),
      );
      return planOf(resolved);
    } catch (error) {
      if (error instanceof ApplicationFailure && error.type === INVALID_PURCHASE_REQUEST) throw error;
      const cancelled = isCancellation(error);
      progress.setStatus(cancelled ? 'CANCELLED' : 'FAILED');
      if (cancelled) throw error;
      const failure = describeFailure(error);
      const unresolved = failure.type === APPROVAL_POLICY_UNRESOLVED;
      throw ApplicationFailure.create({
        type: unresolved ? APPROVAL_POLICY_UNRESOLVED : PURCHASE_APPROVAL_FAILED,
        message: unresolved
          ? `Purchase request ${input.requestId}: ${failure.message}`
          : `Purchase request ${input.requestId} failed at approvalPolicy: ${failure.message}`,
        nonRetryable: true,
        details: [{ step: 'approvalPolicy', code: failure.type }],
        cause: error instanceof Error ? error : undefined,
      });
    }
  }

  upsertSearchAttributes([{ key: BusinessKey, value: input.requestId }]);
  // Started before the handlers exist: an update buffered since the start is validated against a started book.
  const legacyBook = legacyPlan ? startBook(legacyPlan) : null;

  const decisions: [typeof approveUpdate | typeof rejectUpdate, DecisionOutcome][] = [
    [approveUpdate, 'approved'],
    [rejectUpdate, 'rejected'],
  ];
  for (const [update, outcome] of decisions) {
    setHandler(
      update,
      (request) => {
        const summary = (book as ApprovalBook).decide(outcome, request, now());
        publish();
        return { requestId: input.requestId, ...summary };
      },
      {
        validator: (request) => {
          const refused = book
            ? book.refusal(outcome, request)
            : 'Nothing is waiting for a decision yet: the approval policy is being looked up.';
          if (refused)
            throw ApplicationFailure.create({ type: DECISION_REFUSED, message: refused, nonRetryable: true });
        },
        description: outcome === 'approved' ? 'Approve the pending step.' : 'Reject the request, giving the reason.',
      },
    );
  }

  // A decision sent while the policy is looked up is refused by the validators (nothing is pending yet).
  const decideBy = legacyPlan ?? (await resolvePlan());
  const approvals = legacyBook ?? startBook(decideBy);

  /** Waits until `done()` or the instant `at`; true when done. */
  async function waitUntil(done: () => boolean, at: number): Promise<boolean> {
    const remaining = at - now().getTime();
    if (remaining <= 0) return done();
    return condition(done, remaining);
  }

  /**
   * A notice to an approver is best effort: a mailbox that refuses it must not stop the clock,
   * whose next event (reminder, escalation, deadline) is the remedy. The failure is logged.
   */
  async function notifyApprover(email: PurchaseEmail, step: string): Promise<void> {
    try {
      await steps.sendPurchaseEmail({ connector: use.email, email, idempotencyKey: key(step) });
    } catch (error) {
      if (isCancellation(error)) throw error;
      log.warn('approver notice not sent', {
        requestId: input.requestId,
        notice: email.kind,
        type: describeFailure(error).type,
      });
    }
  }

  /** Runs one step's clock until the step is decided (or the request is), escalating or expiring it. */
  async function awaitStep(step: number): Promise<void> {
    const moved = () => approvals.pendingStep !== step;
    const asked = approvals.summary().pending;
    // Decided before its turn came (an approver may act on `progress` before any email): nobody to ask.
    if (!asked || asked.step !== step) return;
    const approval = { step, steps: asked.steps };
    await notifyApprover(
      { kind: 'approvalRequested', to: asked.approver, approval, facts },
      `approval-request:${step}`,
    );
    const askedAt = Date.parse(asked.since);
    const timeline = [
      {
        at: askedAt + decideBy.reminderMs,
        run: async () => {
          const pending = approvals.summary().pending;
          if (pending)
            await notifyApprover(
              { kind: 'reminder', to: pending.approver, approval: { ...approval, since: pending.since }, facts },
              `reminder:${step}`,
            );
        },
      },
      {
        at: askedAt + decideBy.escalateMs,
        run: async () => {
          approvals.escalate(step, now());
          publish();
          const { managerEmail, email } = approvals.link(step);
          await notifyApprover(
            { kind: 'escalation', to: managerEmail, approval: { ...approval, escalatedFrom: email }, facts },
            `escalation:${step}`,
          );
        },
      },
    ];
    for (const event of timeline) {
      if (event.at >= decideBy.deadline) break;
      if (await waitUntil(moved, event.at)) return;
      await event.run();
    }
    if (await waitUntil(moved, decideBy.deadline)) return;
    approvals.expire(
      `No decision was made within ${describeDuration(decideBy.policy.autoRejectAfter)} of the request.`,
    );
    publish();
  }

  try {
    if (approvals.decided) await progress.step('autoApproval', () => Promise.resolve());
    // Every step the request reached is a progress step, even one decided while an earlier step's
    // email was still being sent; a rejection or the deadline ends the chain.
    for (
      let step = 1;
      step <= decideBy.needed && (approvals.pendingStep === step || approvals.decisionAt(step));
      step++
    ) {
      const current = step;
      await progress.step(`approval-${current}`, () => awaitStep(current));
    }
    const summary = approvals.summary();
    const decidedBy = summary.decisions.map((decision) => decision.approver);
    const result: PurchaseApprovalResult = {
      requestId: input.requestId,
      decision: summary.status === 'approved' ? 'approved' : 'rejected',
      decidedBy,
      decisions: summary.decisions,
      automatic: summary.automatic,
      total: { amount: total, currency: input.currency },
      ...(decideBy.policyName === null ? {} : { policy: decideBy.policyName }),
    };
    if (result.decision === 'approved') {
      const order = await progress.step('createPurchaseOrder', () =>
        steps.createPurchaseOrder({
          connector: use.erp,
          order: {
            externalReference: input.requestId,
            supplier: input.supplier,
            currency: input.currency,
            lines: input.lines.map(({ sku, quantity, unitAmount }) => ({ sku, quantity, unitAmount })),
          },
          idempotencyKey: key('purchase-order'),
        }),
      );
      result.purchaseOrderId = order.id;
      await progress.step('notifyRequester', () =>
        steps.sendPurchaseEmail({
          connector: use.email,
          email: { kind: 'approved', purchaseOrderId: order.id, decidedBy, facts },
          idempotencyKey: key('requester-approved'),
        }),
      );
    } else {
      result.reason = summary.reason ?? 'No reason given.';
      const rejectedBy = summary.automatic ? null : (decidedBy[decidedBy.length - 1] ?? null);
      await progress.step('notifyRequester', () =>
        steps.sendPurchaseEmail({
          connector: use.email,
          email: { kind: 'rejected', reason: result.reason ?? '', rejectedBy, facts },
          idempotencyKey: key('requester-rejected'),
        }),
      );
    }
    publish('COMPLETED');
    return result;
  } catch (error) {
    const cancelled = isCancellation(error);
    progress.setPending(null);
    progress.setStatus(cancelled ? 'CANCELLED' : 'FAILED');
    if (cancelled) throw error;
    const failure = describeFailure(error);
    throw ApplicationFailure.create({
      type: PURCHASE_APPROVAL_FAILED,
      message: `Purchase request ${input.requestId} failed at ${progress.failedStep ?? 'unknown step'}: ${failure.message}`,
      nonRetryable: true,
      details: [{ step: progress.failedStep, code: failure.type }],
      cause: error instanceof Error ? error : undefined,
    });
  }
}

function describeDuration(duration: string | number): string {
  return typeof duration === 'number' ? `${duration} ms` : duration;
}
