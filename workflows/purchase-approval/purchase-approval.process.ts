import { defineProcess, PROGRESS_QUERY } from '../process-definition';
import { BusinessKey, ProcessStatus } from '../shared/search-attributes';
import { approveArgsSchema, purchaseApprovalInputSchema, rejectArgsSchema } from './purchase-approval.input';
import { approveUpdate, purchaseWorkflowId, rejectUpdate } from './purchase-approval.types';

export const purchaseApprovalProcess = defineProcess({
  type: 'purchaseApproval',
  description:
    'Purchase approval: a purchase request below policy.oneApproverFrom (minor units) is approved at once; from it one approver, from policy.twoApproversFrom two in sequence (input.approvers, in order) decide through the approve/reject updates. ' +
    'Per step the approver is reminded after policy.reminderAfter (default 24h) and the step escalated to the approver’s manager after policy.escalateAfter (default 48h; the original approver may still decide); ' +
    'with no final decision policy.autoRejectAfter (default 7d) after the request started, it is rejected. Approved: the purchase order is created in the ERP and the requester emailed; rejected: the requester is emailed the reason.',
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
        'Approve the pending step as `approver` (the pending approver, or after escalation the manager or the original approver). Refused (nothing changes) for anyone else, when nothing is pending, or when the request is decided. Answers the request’s state.',
      inputSchema: approveArgsSchema,
    },
    {
      name: rejectUpdate.name,
      description: 'Reject the request as the pending approver; `comment` is the reason the requester is told. Refused like approve. Answers the request’s state.',
      inputSchema: rejectArgsSchema,
    },
  ],
  // Only erp and email are used; the defaults of the other kinds are dropped by the input schema.
  choosesConnectors: true,
});
