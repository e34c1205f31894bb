/**
 * The process catalog: every business process Junction can start. The API, the schedules and the
 * CLI read it; workflow code never imports it.
 * To add a process: write workflows/<name>/ with its <name>.process.ts, export the workflow
 * function from workflows/index.ts, and list the definition here.
 */
import { orderToCashProcess } from './order-to-cash/order-to-cash.process';
import { customerSyncProcess } from './customer-sync/customer-sync.process';
import { purchaseApprovalProcess } from './purchase-approval/purchase-approval.process';
import { invoiceReconciliationProcess } from './invoice-reconciliation/invoice-reconciliation.process';
import { notificationFanoutProcess } from './notification-fanout/notification-fanout.process';
import type { ProcessDefinition } from './process-definition';

export type { MessageDefinition, ProcessDefinition } from './process-definition';

export const PROCESS_CATALOG: readonly ProcessDefinition[] = [
  orderToCashProcess,
  customerSyncProcess,
  purchaseApprovalProcess,
  invoiceReconciliationProcess,
  notificationFanoutProcess,
];

export function findProcess(type: string): ProcessDefinition | undefined {
  return PROCESS_CATALOG.find((process) => process.type === type);
}
