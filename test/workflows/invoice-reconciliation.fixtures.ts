/**
 * Invoices and payments covering every reconciliation class, written through the sandbox ERP and
 * payment connectors themselves (their MySQL tables), the way orders and checkouts would.
 */
import type { ConnectorResolver, Invoice, Payment, TimeWindow } from '../../connectors/spi';
import type { ReconciliationClass } from '../../workflows/invoice-reconciliation/invoice-reconciliation.types';

export interface SeededRow {
  class: ReconciliationClass;
  invoiceId: string | null;
  paymentIds: string[];
  paidAmount: number;
  currency: string;
  note: string | null;
}

export interface ReconciliationFixtures {
  /** Brackets exactly the records written here (from before the first to after the last). */
  window: TimeWindow;
  /** The row each record should end up in. */
  expected: SeededRow[];
  /** Authorized-only payments: never in a row, counted as ignored. */
  ignoredPayments: number;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function seedReconciliationFixtures(
  connectors: ConnectorResolver,
  tag: string,
): Promise<ReconciliationFixtures> {
  const erp = connectors.resolve('erp', 'erp.main');
  const pay = connectors.resolve('payment', 'payment.main');
  const key = (step: string) => `${tag}:${step}`;
  // createdAt has millisecond precision: keep the bounds strictly outside the records.
  const from = new Date();
  await pause(5);

  const customer = await erp.upsertCustomer(
    { email: `${tag.toLowerCase()}@customer.example`, name: 'Ada Lovelace' },
    { idempotencyKey: key('customer') },
  );
  async function newInvoice(name: string, amount: number, currency = 'EUR'): Promise<Invoice> {
    const order = await erp.createSalesOrder(
      {
        externalReference: `${tag}-${name}`,
        customerId: customer.id,
        currency,
        lines: [{ sku: 'SKU-RECON', quantity: 1, unitAmount: amount }],
      },
      { idempotencyKey: key(`order-${name}`) },
    );
    return erp.createInvoice(
      { salesOrderId: order.id, customerId: customer.id, total: { amount, currency } },
      { idempotencyKey: key(`invoice-${name}`) },
    );
  }
  async function newPayment(
    name: string,
    reference: string,
    authorized: number,
    options: { capture?: number | null; refund?: number; currency?: string } = {},
  ): Promise<Payment> {
    let payment = await pay.authorize(
      {
        amount: { amount: authorized, currency: options.currency ?? 'EUR' },
        paymentMethodToken: 'tok_visa',
        customerReference: reference,
      },
      { idempotencyKey: key(`authorize-${name}`) },
    );
    if (options.capture !== undefined)
      payment = await pay.capture(payment.id, options.capture, { idempotencyKey: key(`capture-${name}`) });
    if (options.refund !== undefined)
      payment = await pay.refund(payment.id, options.refund, { idempotencyKey: key(`refund-${name}`) });
    return payment;
  }

  const matched = await newInvoice('matched', 4498);
  const matchedPayment = await newPayment('matched', matched.number, 4498, { capture: null });
  const byOrder = await newInvoice('by-order', 1500);
  const byOrderPayment = await newPayment('by-order', byOrder.salesOrderId, 1500, { capture: null });
  const underpaid = await newInvoice('underpaid', 10000);
  const underpaidPayment = await newPayment('underpaid', underpaid.number, 10000, { capture: 6000 });
  const overpaid = await newInvoice('overpaid', 2000);
  const overpaidPayment = await newPayment('overpaid', overpaid.number, 2500, { capture: null });
  const unpaid = await newInvoice('unpaid', 3000);
  const refunded = await newInvoice('refunded', 800);
  const refundedPayment = await newPayment('refunded', refunded.number, 800, { capture: null, refund: 800 });
  const otherCurrency = await newInvoice('other-currency', 1200);
  const otherCurrencyPayment = await newPayment('other-currency', otherCurrency.number, 1200, {
    capture: null,
    currency: 'USD',
  });
  const unknownPayment = await newPayment('unknown', `WIRE-${tag}`, 777, { capture: null });
  await newPayment('authorized-only', matched.number, 4498);

  await pause(5);
  const to = new Date();
  return {
    window: { from: from.toISOString(), to: to.toISOString() },
    ignoredPayments: 1,
    expected: [
      {
        class: 'matched',
        invoiceId: matched.id,
        paymentIds: [matchedPayment.id],
        paidAmount: 4498,
        currency: 'EUR',
        note: null,
      },
      {
        class: 'matched',
        invoiceId: byOrder.id,
        paymentIds: [byOrderPayment.id],
        paidAmount: 1500,
        currency: 'EUR',
        note: null,
      },
      {
        class: 'underpaid',
        invoiceId: underpaid.id,
        paymentIds: [underpaidPayment.id],
        paidAmount: 6000,
        currency: 'EUR',
        note: null,
      },
      {
        class: 'overpaid',
        invoiceId: overpaid.id,
        paymentIds: [overpaidPayment.id],
        paidAmount: 2500,
        currency: 'EUR',
        note: null,
      },
      { class: 'unpaid', invoiceId: unpaid.id, paymentIds: [], paidAmount: 0, currency: 'EUR', note: null },
      {
        class: 'unpaid',
        invoiceId: refunded.id,
        paymentIds: [refundedPayment.id],
        paidAmount: 0,
        currency: 'EUR',
        note: 'payments refunded in full',
      },
      { class: 'unpaid', invoiceId: otherCurrency.id, paymentIds: [], paidAmount: 0, currency: 'EUR', note: null },
      {
        class: 'unknown_payment',
        invoiceId: null,
        paymentIds: [otherCurrencyPayment.id],
        paidAmount: 1200,
        currency: 'USD',
        note: `currency mismatch: invoice ${otherCurrency.number} is in EUR`,
      },
      {
        class: 'unknown_payment',
        invoiceId: null,
        paymentIds: [unknownPayment.id],
        paidAmount: 777,
        currency: 'EUR',
        note: null,
      },
    ],
  };
}
