import { defineProcess, PROGRESS_QUERY } from '../process-definition';
import { BusinessKey, ProcessStatus } from '../shared/search-attributes';
import { approveArgsSchema, purchaseApprovalInputSchema, rejectArgsSchema } from './purchase-approval.input';
import { approveUpdate, purchaseWorkflowId, rejectUpdate } from './purchase-approval.types';

export const purchaseApprovalProcess = defineProcess({
  type: 'purchaseApproval',
  description:
    'Purchase approval, decided by the approval policy on the server (config/approval-policies.yaml): the policy of the request’s costCentre, else the default, sets the thresholds (minor units, per currency), the durations and the approver chain; a request may not carry `approvers` or `policy`. ' +
    'Below the policy’s oneApproverFrom a request is approved at once; from it one approver, from twoApproversFrom two in sequence (the chain from the top, leaving out any link whose approver or manager is the requester) decide through the approve/reject updates, as the person their credential acts for. ' +
    'Per step the approver is reminded after reminderAfter and the step escalated to the approver’s manager after escalateAfter (the original approver may still decide); with no final decision autoRejectAfter after the request started, it is rejected. ' +
    'A request no policy can decide (no policy for the cost centre and no default, no thresholds in its currency, too few approvers) fails with ApprovalPolicyUnresolved. Approved: the purchase order is created in the ERP and the requester emailed; rejected: the requester is emailed the reason.',
  inputSchema: purchaseApprovalInputSchema,
  workflowId: (input) => purchaseWorkflowId(input.requestId),
  businessKey: (input) => input.requestId,
  initialSearchAttributes: (input) => [
    { key: BusinessKey, value: input.requestId },
    { key: ProcessStatus, value: 'RUNNING' },
  ],
  queries: [
    {
      ...PROGRESS_QUERY,
      description: `${PROGRESS_QUERY.description} While a step waits, \`pending\` names the approver asked, since when, the step and whether it was escalated.`,
    },
  ],
  signals: [],
  updates: [
    {
      name: approveUpdate.name,
      description:
        'Approve the pending step as the person the caller’s credential acts for (`approver`, filled in from it): the pending approver, or after escalation the manager or the original approver. Refused (nothing changes) for anyone else, when nothing is pending, or when the request is decided. Answers the request’s state.',
      inputSchema: approveArgsSchema,
      actor: { field: 'approver' },
    },
    {
      name: rejectUpdate.name,
      description:
        'Reject the request as the pending approver (the person the caller’s credential acts for); `comment` is the reason the requester is told. Refused like approve. Answers the request’s state.',
      inputSchema: rejectArgsSchema,
      actor: { field: 'approver' },
    },
  ],
  // Only erp and email are used; the defaults of the other kinds are dropped by the input schema.
  choosesConnectors: true,
  infrastructureFields: ['connectors'],
  // Otherwise an approver could file a request in a colleague's name and approve it themselves.
  initiator: { path: ['requester', 'email'] },
});
