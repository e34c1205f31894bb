/** Purchase requests as a procurement system posts them: the input of `purchaseApproval`, before validation. */
import type { PurchaseApprovalRequest } from '../../workflows/purchase-approval/purchase-approval.types';
import { uniqueId } from './order-fixtures';

/** Line sets for the shipped default policy: below 1,000.00 EUR no approver, from it one, from 10,000.00 two. */
export const PURCHASE_LINES = {
  /** 250.00 EUR: approved at once. */
  small: [{ sku: 'PAPER-A4', description: 'Copy paper, 500 sheets', quantity: 50, unitAmount: 500 }],
  /** 2,400.00 EUR: one approver. */
  medium: [
    { sku: 'CHAIR-ERGO', description: 'Office chair', quantity: 4, unitAmount: 45_000 },
    { sku: 'DESK-LAMP', quantity: 10, unitAmount: 6_000 },
  ],
  /** 15,000.00 EUR: two approvers in sequence. */
  large: [{ sku: 'LAPTOP-14', description: '14" laptop', quantity: 10, unitAmount: 150_000 }],
} as const;

export type PurchaseSize = keyof typeof PURCHASE_LINES;

/** A request with a unique id for cost centre CC-4711 (the default policy), of `size` unless `overrides` name the lines. */
export function purchaseRequestInput(
  size: PurchaseSize,
  overrides: Partial<PurchaseApprovalRequest> = {},
): PurchaseApprovalRequest {
  return {
    requestId: uniqueId('PR'),
    requester: { email: 'grace@example.com', name: 'Grace Hopper' },
    costCentre: 'CC-4711',
    supplier: 'ACME Office Supplies',
    currency: 'EUR',
    lines: PURCHASE_LINES[size].map((line) => ({ ...line })),
    ...overrides,
  };
}
