/** The workflow bundle entry: every workflow the worker runs. Sandboxed code only. */
export { orderToCash } from './order-to-cash/order-to-cash.workflow';
export { customerSync } from './customer-sync/customer-sync.workflow';
export { purchaseApproval } from './purchase-approval/purchase-approval.workflow';
export { invoiceReconciliation } from './invoice-reconciliation/invoice-reconciliation.workflow';
export { notificationFanout } from './notification-fanout/notification-fanout.workflow';
export { notificationBatch } from './notification-fanout/notification-batch.workflow';
// Every `flow:<name>` workflow type: Temporal runs the default export for types no other export names.
export { flowRun as default } from './flow/flow-run.workflow';
