/** Zod-free helpers and types of orderToCash: safe to import from workflow code. */
export type { OrderToCashInput } from './order-to-cash.input';

export interface OrderToCashResult {
  orderId: string;
  customerId: string;
  salesOrderId: string;
  /** null when the ERP's billing run raises the invoice (input `invoicing: erp-billing-run`). */
  invoiceId: string | null;
  paymentId: string;
  confirmationMessageId: string;
  total: { amount: number; currency: string };
}

export function orderWorkflowId(orderId: string): string {
  return `order-${orderId}`;
}

/** Order total in minor units. */
export function orderTotal(lines: readonly { quantity: number; unitAmount: number }[]): number {
  return lines.reduce((sum, line) => sum + line.quantity * line.unitAmount, 0);
}
