import { parse } from 'csv-parse/sync';
import { expect } from 'chai';
import { reconcile } from '../../activities/reconciliation/reconcile';
import { reportCsv } from '../../activities/reconciliation/report-csv';
import type { Invoice, Payment } from '../../connectors/spi';
import {
  previousPeriod,
  reconciliationReportKey,
  reconciliationWorkflowId,
  type ReconciliationRow,
} from '../../workflows/invoice-reconciliation/invoice-reconciliation.types';
import { invoiceReconciliationInputSchema } from '../../workflows/invoice-reconciliation/invoice-reconciliation.input';

function invoice(id: string, number: string, amount: number, currency = 'EUR', salesOrderId = `so_${id}`): Invoice {
  return { id, number, salesOrderId, total: { amount, currency }, issuedAt: '2024-01-10T00:00:00.000Z' };
}

function payment(
  id: string,
  reference: string,
  captured: number,
  options: { currency?: string; refunded?: number; authorized?: number } = {},
): Payment {
  const refunded = options.refunded ?? 0;
  return {
    id,
    reference,
    status:
      captured === 0
        ? 'authorized'
        : refunded === 0
          ? 'captured'
          : refunded === captured
            ? 'refunded'
            : 'partially_refunded',
    amount: { amount: options.authorized ?? captured, currency: options.currency ?? 'EUR' },
    capturedAmount: captured,
    refundedAmount: refunded,
    createdAt: '2024-01-11T00:00:00.000Z',
  };
}

const rowOf = (rows: ReconciliationRow[], predicate: (row: ReconciliationRow) => boolean) => {
  const found = rows.filter(predicate);
  expect(found, 'exactly one matching row').to.have.length(1);
  return found[0] as ReconciliationRow;
};

describe('reconcile (matching invoices to payments)', () => {
  it('when a payment names the invoice number with the exact total, then the invoice is matched', () => {
    const { rows, summary } = reconcile([invoice('inv_1', 'INV-000001', 4498)], [payment('pay_1', 'INV-000001', 4498)]);
    expect(rows).to.deep.equal([
      {
        class: 'matched',
        reference: 'INV-000001',
        invoiceId: 'inv_1',
        invoiceNumber: 'INV-000001',
        invoiceTotal: 4498,
        paidAmount: 4498,
        currency: 'EUR',
        paymentIds: ['pay_1'],
        note: null,
      },
    ]);
    expect(summary.counts).to.deep.equal({ unknown_payment: 0, unpaid: 0, underpaid: 0, overpaid: 0, matched: 1 });
    expect(summary.totals).to.deep.equal([{ currency: 'EUR', invoiced: 4498, received: 4498 }]);
  });

  it('when payments name the sales order, case and spaces aside, then they pay the one invoice of that order', () => {
    const { rows } = reconcile(
      [invoice('inv_1', 'INV-1', 1000, 'EUR', 'so_ABC')],
      [payment('pay_1', ' SO_abc ', 600), payment('pay_2', 'so_abc', 400)],
    );
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ class: 'matched', paidAmount: 1000 });
    expect(rows[0]?.paymentIds).to.deep.equal(['pay_1', 'pay_2']);
  });

  it('classifies unpaid, underpaid and overpaid invoices and unknown payments', () => {
    const { rows, summary } = reconcile(
      [invoice('inv_u', 'INV-U', 1000), invoice('inv_d', 'INV-D', 1000), invoice('inv_o', 'INV-O', 1000)],
      [payment('pay_d', 'INV-D', 900), payment('pay_o', 'INV-O', 1200), payment('pay_x', 'INV-NOPE', 777)],
    );
    expect(rowOf(rows, (r) => r.invoiceId === 'inv_u')).to.include({ class: 'unpaid', paidAmount: 0, note: null });
    expect(rowOf(rows, (r) => r.invoiceId === 'inv_d')).to.include({ class: 'underpaid', paidAmount: 900 });
    expect(rowOf(rows, (r) => r.invoiceId === 'inv_o')).to.include({ class: 'overpaid', paidAmount: 1200 });
    expect(rowOf(rows, (r) => r.paymentIds[0] === 'pay_x')).to.deep.include({
      class: 'unknown_payment',
      reference: 'INV-NOPE',
      invoiceId: null,
      invoiceTotal: null,
      paidAmount: 777,
    });
    expect(summary.counts).to.deep.equal({ unknown_payment: 1, unpaid: 1, underpaid: 1, overpaid: 1, matched: 0 });
    expect(
      rows.map((r) => r.class),
      'exceptions first',
    ).to.deep.equal(['unknown_payment', 'unpaid', 'underpaid', 'overpaid']);
  });

  it('counts only money kept: refunds reduce the paid amount; a full refund leaves the invoice unpaid', () => {
    const { rows } = reconcile(
      [invoice('inv_r', 'INV-R', 1000), invoice('inv_f', 'INV-F', 1000)],
      [payment('pay_r', 'INV-R', 1000, { refunded: 300 }), payment('pay_f', 'INV-F', 1000, { refunded: 1000 })],
    );
    expect(rowOf(rows, (r) => r.invoiceId === 'inv_r')).to.include({
      class: 'underpaid',
      paidAmount: 700,
      note: 'after refunds',
    });
    expect(rowOf(rows, (r) => r.invoiceId === 'inv_f')).to.include({
      class: 'unpaid',
      paidAmount: 0,
      note: 'payments refunded in full',
    });
  });

  it('when a payment was only authorized or voided, then it is ignored and counted apart', () => {
    const { rows, summary } = reconcile(
      [invoice('inv_1', 'INV-1', 1000)],
      [payment('pay_a', 'INV-1', 0, { authorized: 1000 }), payment('pay_v', 'NOPE', 0, { authorized: 50 })],
    );
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ class: 'unpaid', paidAmount: 0 });
    expect(summary).to.include({ payments: 2, ignoredPayments: 2 });
  });

  it('when a payment names an invoice in another currency, then it is an unknown payment and the invoice stays unpaid', () => {
    const { rows } = reconcile(
      [invoice('inv_1', 'INV-1', 1000, 'EUR')],
      [payment('pay_usd', 'INV-1', 1000, { currency: 'USD' })],
    );
    expect(rowOf(rows, (r) => r.class === 'unknown_payment')).to.include({
      currency: 'USD',
      paidAmount: 1000,
      note: 'currency mismatch: invoice INV-1 is in EUR',
    });
    expect(rowOf(rows, (r) => r.class === 'unpaid')).to.include({ invoiceId: 'inv_1', currency: 'EUR' });
  });

  it('when a reference names the sales order of several invoices, then the payment is unknown (ambiguous)', () => {
    const { rows } = reconcile(
      [invoice('inv_1', 'INV-1', 500, 'EUR', 'so_1'), invoice('inv_2', 'INV-2', 500, 'EUR', 'so_1')],
      [payment('pay_1', 'so_1', 1000)],
    );
    expect(rowOf(rows, (r) => r.class === 'unknown_payment')).to.include({
      note: 'reference names the sales order of several invoices',
    });
    expect(rows.filter((r) => r.class === 'unpaid')).to.have.length(2);
  });

  it('within the tolerance, a difference still matches', () => {
    const invoices = [invoice('inv_1', 'INV-1', 1000)];
    expect(reconcile(invoices, [payment('pay_1', 'INV-1', 998)], { tolerance: 2 }).rows[0]?.class).to.equal('matched');
    expect(reconcile(invoices, [payment('pay_1', 'INV-1', 997)], { tolerance: 2 }).rows[0]?.class).to.equal(
      'underpaid',
    );
  });

  it('gives the same rows whatever order the vendors listed the records in', () => {
    const invoices = [invoice('inv_b', 'INV-B', 100), invoice('inv_a', 'INV-A', 100), invoice('inv_c', 'INV-C', 100)];
    const payments = [payment('pay_2', 'X', 5), payment('pay_1', 'INV-A', 100), payment('pay_3', 'INV-C', 50)];
    const first = reconcile(invoices, payments);
    const second = reconcile([...invoices].reverse(), [...payments].reverse());
    expect(second).to.deep.equal(first);
  });
});

describe('reportCsv', () => {
  it('writes one line per row with decimal amounts, and defuses formulas in payer-controlled text', () => {
    const { rows } = reconcile(
      [invoice('inv_1', 'INV-1', 123456), invoice('inv_j', 'INV-J', 500, 'JPY')],
      [payment('pay_1', 'INV-1', 123456), payment('pay_x', '=HYPERLINK("x")', 5, { currency: 'JPY' })],
    );
    const records = parse(reportCsv(rows), { columns: true }) as Record<string, string>[];
    expect(records).to.have.length(3);
    expect(records.find((r) => r.invoice_id === 'inv_1')).to.deep.equal({
      class: 'matched',
      reference: 'INV-1',
      invoice_id: 'inv_1',
      invoice_number: 'INV-1',
      invoice_total: '1234.56',
      paid_amount: '1234.56',
      currency: 'EUR',
      payment_ids: 'pay_1',
      note: '',
    });
    expect(records.find((r) => r.class === 'unknown_payment')).to.include({
      reference: `'=HYPERLINK("x")`,
      paid_amount: '5',
      currency: 'JPY',
      invoice_total: '',
    });
  });
});

describe('reconciliation windows and keys', () => {
  it('derives one workflow ID and one report key from a window, whatever offset it is written with', () => {
    const a = { from: '2024-01-01T00:00:00Z', to: '2024-02-01T00:00:00Z' };
    const b = { from: '2024-01-01T01:00:00+01:00', to: '2024-02-01T00:00:00.000Z' };
    expect(reconciliationWorkflowId(a)).to.equal('reconciliation-20240101T000000Z-20240201T000000Z');
    expect(reconciliationWorkflowId(b)).to.equal(reconciliationWorkflowId(a));
    expect(reconciliationReportKey(b)).to.equal('reconciliation-20240101T000000Z-20240201T000000Z:report');
  });

  it('resolves the previous UTC day, ISO week and month', () => {
    const at = new Date('2024-03-06T10:30:00Z'); // a Wednesday
    expect(previousPeriod('previousDay', at)).to.deep.equal({
      from: '2024-03-05T00:00:00.000Z',
      to: '2024-03-06T00:00:00.000Z',
    });
    expect(previousPeriod('previousWeek', at)).to.deep.equal({
      from: '2024-02-26T00:00:00.000Z',
      to: '2024-03-04T00:00:00.000Z',
    });
    expect(previousPeriod('previousMonth', at)).to.deep.equal({
      from: '2024-02-01T00:00:00.000Z',
      to: '2024-03-01T00:00:00.000Z',
    });
    expect(previousPeriod('previousMonth', new Date('2024-01-15T00:00:00Z'))).to.deep.equal({
      from: '2023-12-01T00:00:00.000Z',
      to: '2024-01-01T00:00:00.000Z',
    });
  });

  it('accepts a window or a period, not both, not neither; windows are ordered and at most 92 days', () => {
    const base = { reportTo: ['finance@example.com'] };
    const ok = (input: unknown) => invoiceReconciliationInputSchema.safeParse(input).success;
    expect(ok({ ...base, window: { from: '2024-01-01T00:00:00Z', to: '2024-04-01T00:00:00Z' } })).to.equal(true);
    expect(ok({ ...base, period: 'previousDay' })).to.equal(true);
    expect(ok({ ...base })).to.equal(false);
    expect(
      ok({ ...base, period: 'previousDay', window: { from: '2024-01-01T00:00:00Z', to: '2024-01-02T00:00:00Z' } }),
    ).to.equal(false);
    expect(ok({ ...base, window: { from: '2024-01-02T00:00:00Z', to: '2024-01-01T00:00:00Z' } })).to.equal(false);
    expect(ok({ ...base, window: { from: '2024-01-01T00:00:00Z', to: '2024-04-03T00:00:00Z' } })).to.equal(false);
    expect(ok({ reportTo: ['not an email'], period: 'previousDay' })).to.equal(false);
  });
});
