import type { ConnectorResolver } from '../connectors/spi';
import type { ApprovalPolicies } from '../server/approvals/approval-policies-file';
import type { Models } from '../server/db/models';
import { createApprovalPolicyActivities } from './approval-policy/approval-policy.activities';
import { createCrmActivities } from './crm.activities';
import { createCustomerSyncActivities } from './customer-sync.activities';
import { createEmailActivities } from './email.activities';
import { createErpActivities } from './erp.activities';
import { createFlowCallActivities } from './flow/flow-call.activities';
import { createFlowExpressionActivities } from './flow/flow-expressions.activities';
import { createFlowResolveActivities } from './flow/flow-resolve.activities';
import { createHttpActivities } from './http.activities';
import { createReconciliationActivities } from './reconciliation.activities';
import { createNotificationActivities } from './notification.activities';
import { createPaymentActivities } from './payment.activities';
import { createPurchaseApprovalActivities } from './purchase-approval.activities';

export interface ActivityDeps {
  connectors: ConnectorResolver;
  /** The application database, for activities that keep state there (customerSync's cursor store). */
  models?: Models;
  /** Who approves purchase requests: the policy file the worker loaded at start-up (loadApprovalPolicies). */
  approvalPolicies: ApprovalPolicies;
}

/** Every activity the worker registers; workflows proxy `Activities` as a type only. */
export function createActivities({ connectors, models, approvalPolicies }: ActivityDeps) {
  return {
    ...createCrmActivities(connectors),
    ...createErpActivities(connectors),
    ...createPaymentActivities(connectors),
    ...createEmailActivities(connectors),
    ...createHttpActivities(connectors),
    ...createCustomerSyncActivities({ connectors, models }),
    ...createReconciliationActivities(connectors),
    ...createNotificationActivities(connectors),
    ...createPurchaseApprovalActivities(connectors),
    ...createApprovalPolicyActivities(approvalPolicies),
    ...createFlowExpressionActivities(),
    ...createFlowCallActivities(connectors),
    ...createFlowResolveActivities(models),
  };
}

export type Activities = ReturnType<typeof createActivities>;
