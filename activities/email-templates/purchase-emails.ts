/**
 * The emails of purchaseApproval. Rendered in the activity, not the workflow, so wording can change
 * without touching workflow histories. Approvers decide through the API (no UI yet): the request
 * email names the update to call.
 */
import type { EmailMessage } from '../../connectors/spi';

export interface PurchaseLineFacts {
  sku: string;
  description?: string;
  quantity: number;
  unitAmount: number;
}

export interface PurchaseFacts {
  requestId: string;
  workflowId: string;
  requester: { email: string; name: string };
  costCentre: string;
  supplier: string;
  currency: string;
  lines: PurchaseLineFacts[];
}

interface StepFacts {
  step: number;
  steps: number;
}

export type PurchaseEmail =
  /** To the approver a step asks. */
  | { kind: 'approvalRequested'; to: string; approval: StepFacts; facts: PurchaseFacts }
  /** To the pending approver once the reminder time has passed. */
  | { kind: 'reminder'; to: string; approval: StepFacts & { since: string }; facts: PurchaseFacts }
  /** To the manager the step was escalated to. */
  | { kind: 'escalation'; to: string; approval: StepFacts & { escalatedFrom: string }; facts: PurchaseFacts }
  /** To the requester. */
  | { kind: 'approved'; purchaseOrderId: string; decidedBy: string[]; facts: PurchaseFacts }
  | { kind: 'rejected'; reason: string; rejectedBy: string | null; facts: PurchaseFacts };

function money(minorUnits: number, currency: string): string {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).format(minorUnits / 100);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function total(facts: PurchaseFacts): string {
  return money(
    facts.lines.reduce((sum, line) => sum + line.quantity * line.unitAmount, 0),
    facts.currency,
  );
}

function summary(facts: PurchaseFacts): string {
  const lines = facts.lines
    .map(
      (l) =>
        `  ${l.quantity} x ${l.sku}${l.description ? ` (${l.description})` : ''} at ${money(l.unitAmount, facts.currency)}`,
    )
    .join('\n');
  return `Request: ${facts.requestId}\nRequester: ${facts.requester.name} <${facts.requester.email}>\nSupplier: ${facts.supplier}\nCost centre: ${facts.costCentre}\n${lines}\nTotal: ${total(facts)}`;
}

function howToDecide(facts: PurchaseFacts, approver: string): string {
  const path = `/v1/runs/${encodeURIComponent(facts.workflowId)}/updates`;
  return (
    `To approve: POST ${path}/approve with {"approver":"${approver}","comment":"..."}\n` +
    `To reject:  POST ${path}/reject with {"approver":"${approver}","comment":"<reason>"}`
  );
}

function message(to: string[], subject: string, text: string): EmailMessage {
  const html = text
    .split('\n\n')
    .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, '<br>')}</p>`)
    .join('');
  return { to, subject, text, html };
}

export function renderPurchaseEmail(email: PurchaseEmail): EmailMessage {
  const { facts } = email;
  const step = (approval: StepFacts) => (approval.steps > 1 ? ` (approval ${approval.step} of ${approval.steps})` : '');
  switch (email.kind) {
    case 'approvalRequested':
      return message(
        [email.to],
        `Approval needed: purchase request ${facts.requestId} (${total(facts)})`,
        `Hello,\n\n${facts.requester.name} asks for your approval${step(email.approval)}.\n\n${summary(facts)}\n\n${howToDecide(facts, email.to)}\n`,
      );
    case 'reminder':
      return message(
        [email.to],
        `Reminder: purchase request ${facts.requestId} is waiting for your approval`,
        `Hello,\n\npurchase request ${facts.requestId} has waited for your decision${step(email.approval)} since ${email.approval.since}. Without a decision it will be escalated to your manager.\n\n${summary(facts)}\n\n${howToDecide(facts, email.to)}\n`,
      );
    case 'escalation':
      return message(
        [email.to],
        `Escalated: purchase request ${facts.requestId} needs your approval`,
        `Hello,\n\n${email.approval.escalatedFrom} has not decided on purchase request ${facts.requestId}${step(email.approval)}, so it is escalated to you. Either of you may now decide.\n\n${summary(facts)}\n\n${howToDecide(facts, email.to)}\n`,
      );
    case 'approved':
      return message(
        [facts.requester.email],
        `Your purchase request ${facts.requestId} is approved`,
        `Hello ${facts.requester.name},\n\nyour purchase request ${facts.requestId} is approved${email.decidedBy.length > 0 ? ` by ${email.decidedBy.join(' and ')}` : ' (below the approval threshold)'}. Purchase order ${email.purchaseOrderId} has been created.\n\n${summary(facts)}\n`,
      );
    case 'rejected':
      return message(
        [facts.requester.email],
        `Your purchase request ${facts.requestId} was rejected`,
        `Hello ${facts.requester.name},\n\nyour purchase request ${facts.requestId} was rejected${email.rejectedBy ? ` by ${email.rejectedBy}` : ''}.\nReason: ${email.reason}\n\n${summary(facts)}\n`,
      );
  }
}
