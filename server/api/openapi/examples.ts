/** Example values the OpenAPI document shows in more than one place. */
export const EXAMPLE_ORDER_INPUT = {
  orderId: '1001',
  customer: { email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' },
  currency: 'EUR',
  lines: [{ sku: 'SKU-1', quantity: 2, unitAmount: 1999 }],
  payment: { token: 'tok_visa' },
};
