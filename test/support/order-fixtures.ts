import { randomBytes } from 'node:crypto';
import type { OrderToCashInput } from '../../workflows/order-to-cash/order-to-cash.types';

export function uniqueId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** A valid order with a unique id: 2 × SKU-1 at 19.99 + 1 × SKU-2 at 5.00 = 44.98 EUR. */
export function newOrderInput(overrides: Partial<OrderToCashInput> = {}): OrderToCashInput {
  const orderId = uniqueId('T');
  return {
    orderId,
    customer: { email: `${orderId.toLowerCase()}@customer.example`, firstName: 'Ada', lastName: 'Lovelace' },
    currency: 'EUR',
    lines: [
      { sku: 'SKU-1', quantity: 2, unitAmount: 1999 },
      { sku: 'SKU-2', quantity: 1, unitAmount: 500 },
    ],
    payment: { token: 'tok_visa' },
    ...overrides,
  };
}
