import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { expect } from 'chai';
import { countSandboxRecords, clearSandboxFaults, injectSandboxFault } from '../../connectors/sandbox/sandbox-admin';
import type { ConnectorErrorCode } from '../../connectors/connector-error-codes';
import { progressQuery, type Progress } from '../../workflows/shared/progress';
import type { OrderToCashInput, OrderToCashResult } from '../../workflows/order-to-cash/order-to-cash.types';
import type { ReconciliationReport } from '../../workflows/invoice-reconciliation/invoice-reconciliation.types';
import { newOrderInput, uniqueId } from '../support/order-fixtures';
import { settle, startWorkflowHarness, type WorkflowHarness } from '../support/workflow-harness';

describe('orderToCash workflow (time-skipping server, sandbox connectors, real SMTP)', function () {
  this.timeout(120_000);
  let harness: WorkflowHarness;
  let env: WorkflowHarness['env'];
  let db: WorkflowHarness['db'];
  let smtp: WorkflowHarness['smtp'];

  before(async function () {
    harness = await startWorkflowHarness('wf_o2c', { rejectRecipients: /^reject/ });
    ({ env, db, smtp } = harness);
  });

  after(() => harness?.close());

  afterEach(() => clearSandboxFaults(db.models));

  interface OrderRun {
    handle: WorkflowHandle;
    /** The run's outcome: its result, or the error `result()` rejected with. */
    outcome: Promise<OrderToCashResult>;
    progress: Progress;
  }

  /** Runs one order to its end on a fresh task queue; queries progress while the worker still runs. */
  async function runOrder(input: OrderToCashInput): Promise<OrderRun> {
    const taskQueue = uniqueId('o2c-tq');
    const worker = await harness.newWorker(taskQueue);
    const handle = await env.client.workflow.start('orderToCash', {
      taskQueue,
      workflowId: `order-${input.orderId}`,
      args: [input],
    });
    return worker.runUntil(async () => {
      const { outcome } = await settle(handle.result() as Promise<OrderToCashResult>); // observed by the test through expectOrderFailure
      return { handle, outcome, progress: await handle.query(progressQuery) };
    });
  }

  async function expectOrderFailure(outcome: Promise<unknown>): Promise<{ step: string; code: string }> {
    const error = await outcome.then(
      () => {
        throw new Error('expected the order to fail');
      },
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(WorkflowFailedError);
    const failure = (error as WorkflowFailedError).cause;
    expect(failure).to.be.instanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).type).to.equal('OrderFailed');
    const [details] = (failure as ApplicationFailure).details as [{ step: string; code: string }];
    return details;
  }

  async function attemptsOf(handle: WorkflowHandle, activityType: string): Promise<number> {
    const history = await handle.fetchHistory();
    const scheduled = new Set(
      (history.events ?? [])
        .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === activityType)
        .map((e) => String(e.eventId)),
    );
    const started = (history.events ?? []).filter(
      (e) =>
        e.activityTaskStartedEventAttributes &&
        scheduled.has(String(e.activityTaskStartedEventAttributes.scheduledEventId)),
    );
    return Math.max(0, ...started.map((e) => e.activityTaskStartedEventAttributes?.attempt ?? 0));
  }

  const inject = (instance: string, operation: string, code: ConnectorErrorCode, times: number | null = null) =>
    injectSandboxFault(db.models, { instance, operation, code, times });

  it('when every step succeeds, then the order is invoiced, captured and confirmed by email', async () => {
    const input = newOrderInput();
    const { outcome, progress } = await runOrder(input);
    const result = await outcome;
    expect(result.orderId).to.equal(input.orderId);
    expect(result.total).to.deep.equal({ amount: 4498, currency: 'EUR' });
    expect(result.salesOrderId).to.be.a('string').and.not.empty;

    expect(progress.status).to.equal('COMPLETED');
    expect(progress.stepsDone).to.deep.equal([
      'upsertCustomer',
      'checkStock',
      'createSalesOrder',
      'authorizePayment',
      'createInvoice',
      'capturePayment',
      'sendConfirmation',
    ]);
    expect(progress.compensations).to.deep.equal([]);

    const mail = await smtp.waitFor((m) => m.subject === `Your order ${input.orderId} is confirmed`);
    expect(mail.text).to.contain('€44.98').and.contain('SKU-1');
    expect(mail.messageId).to.equal(result.confirmationMessageId);
  });

  it('when a completed order is reconciled, then its payment matches its invoice', async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    const { outcome } = await runOrder(newOrderInput());
    const order = await outcome;
    const to = new Date(Date.now() + 60_000).toISOString();
    const taskQueue = uniqueId('recon-tq');
    const worker = await harness.newWorker(taskQueue);
    const report = await worker.runUntil(
      env.client.workflow.execute('invoiceReconciliation', {
        taskQueue,
        workflowId: uniqueId('reconciliation'),
        args: [{ window: { from, to }, reportTo: ['finance@shop.example'] }],
      }) as Promise<ReconciliationReport>,
    );
    const row = report.rows.find((candidate) => candidate.invoiceId === order.invoiceId);
    expect(row).to.deep.include({ class: 'matched', paidAmount: 4498, currency: 'EUR', paymentIds: [order.paymentId] });
  });

  it('when the ERP invoices by its own billing run, then the run skips createInvoice and confirms without an invoice number', async () => {
    const input = { ...newOrderInput(), invoicing: 'erp-billing-run' as const };
    const invoicesBefore = await countSandboxRecords(db.models, 'erp.main', 'invoices');
    const { handle, outcome, progress } = await runOrder(input);
    const result = await outcome;
    expect(result.invoiceId).to.equal(null);
    expect(progress.stepsDone).to.deep.equal([
      'upsertCustomer',
      'checkStock',
      'createSalesOrder',
      'authorizePayment',
      'invoiceByErpBillingRun',
      'capturePayment',
      'sendConfirmation',
    ]);
    expect(await attemptsOf(handle, 'createInvoice')).to.equal(0);
    expect(await countSandboxRecords(db.models, 'erp.main', 'invoices')).to.equal(invoicesBefore);
    const mail = await smtp.waitFor((m) => m.subject === `Your order ${input.orderId} is confirmed`);
    expect(mail.text).to.not.contain('Invoice:');
  });

  it('when an item is out of stock, then nothing is ordered or charged, the step is not retried and the customer is told', async () => {
    const input = newOrderInput({ lines: [{ sku: 'OOS-LAMP', quantity: 1, unitAmount: 9900 }] });
    const ordersBefore = await countSandboxRecords(db.models, 'erp.main', 'salesOrders');
    const { handle, outcome, progress } = await runOrder(input);
    const details = await expectOrderFailure(outcome);
    expect(details).to.deep.equal({ step: 'checkStock', code: 'OUT_OF_STOCK' });
    expect(await attemptsOf(handle, 'checkStock')).to.equal(1);
    expect(await countSandboxRecords(db.models, 'erp.main', 'salesOrders')).to.equal(ordersBefore);
    expect(progress.status).to.equal('FAILED');
    expect(progress.compensations).to.deep.equal([{ step: 'notifyCustomer', outcome: 'done' }]);
    const mail = await smtp.waitFor((m) => m.subject === `Your order ${input.orderId} could not be completed`);
    expect(mail.text).to.contain('out of stock');
  });

  it('when the card is declined, then the sales order is cancelled and the customer emailed', async () => {
    const input = newOrderInput({ payment: { token: 'tok_declined' } });
    const { handle, outcome, progress } = await runOrder(input);
    const details = await expectOrderFailure(outcome);
    expect(details).to.deep.equal({ step: 'authorizePayment', code: 'PAYMENT_DECLINED' });
    expect(await attemptsOf(handle, 'authorizePayment')).to.equal(1);
    expect(progress.compensations).to.deep.equal([
      { step: 'cancelSalesOrder', outcome: 'done' },
      { step: 'notifyCustomer', outcome: 'done' },
    ]);
    const mail = await smtp.waitFor((m) => m.subject === `Your order ${input.orderId} could not be completed`);
    expect(mail.text).to.contain('declined');
  });

  it('when invoicing fails for good, then the authorization is voided and the order cancelled, newest first', async () => {
    await inject('erp.main', 'createInvoice', 'INVALID_REQUEST', 1);
    const { outcome, progress } = await runOrder(newOrderInput());
    expect(await expectOrderFailure(outcome)).to.deep.equal({ step: 'createInvoice', code: 'INVALID_REQUEST' });
    expect(progress.compensations.map((c) => `${c.step}:${c.outcome}`)).to.deep.equal([
      'voidPayment:done',
      'cancelSalesOrder:done',
      'notifyCustomer:done',
    ]);
  });

  it('when the capture fails for good, then the invoice is cancelled, the authorization voided and the order cancelled', async () => {
    await inject('payment.main', 'capture', 'FORBIDDEN', 1);
    const { handle, outcome, progress } = await runOrder(newOrderInput());
    expect(await expectOrderFailure(outcome)).to.deep.equal({ step: 'capturePayment', code: 'FORBIDDEN' });
    expect(progress.compensations.map((c) => `${c.step}:${c.outcome}`)).to.deep.equal([
      'cancelInvoice:done',
      'voidPayment:done',
      'cancelSalesOrder:done',
      'notifyCustomer:done',
    ]);
    const history = await handle.fetchHistory();
    const invoiceId = (history.events ?? [])
      .map((event) => event.activityTaskCompletedEventAttributes?.result?.payloads?.[0]?.data)
      .map((data) =>
        data ? (JSON.parse(Buffer.from(data).toString('utf8')) as { number?: string; id?: string }) : null,
      )
      .find((result) => result?.number?.startsWith('INV-'))?.id;
    const erp = harness.registry.resolve('erp', 'erp.main');
    const invoices = await erp.listInvoices(
      { from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 3_600_000).toISOString() },
      null,
    );
    expect(invoices.items.find((invoice) => invoice.id === invoiceId)?.status).to.equal('cancelled');
  });

  it('when the confirmation cannot be delivered, then the captured payment is refunded and the failed notice is recorded', async () => {
    const input = newOrderInput();
    input.customer.email = `reject-${input.orderId.toLowerCase()}@customer.example`;
    const { outcome, progress } = await runOrder(input);
    expect(await expectOrderFailure(outcome)).to.deep.equal({ step: 'sendConfirmation', code: 'INVALID_REQUEST' });
    expect(progress.compensations.map((c) => `${c.step}:${c.outcome}`)).to.deep.equal([
      'cancelInvoice:done',
      'refundPayment:done',
      'cancelSalesOrder:done',
      'notifyCustomer:failed',
    ]);
  });

  it('when the ERP answers 503 twice, then the step is retried with backoff and the order completes once', async () => {
    await inject('erp.main', 'createSalesOrder', 'VENDOR_UNAVAILABLE', 2);
    const ordersBefore = await countSandboxRecords(db.models, 'erp.main', 'salesOrders');
    const { handle, outcome } = await runOrder(newOrderInput());
    const result = await outcome;
    expect(result.salesOrderId).to.be.a('string');
    expect(await attemptsOf(handle, 'createSalesOrder')).to.equal(3);
    expect(await countSandboxRecords(db.models, 'erp.main', 'salesOrders')).to.equal(ordersBefore + 1);
  });

  it('when the CRM rejects the credentials, then the run stops at once without retrying', async () => {
    await inject('crm.main', 'upsertContact', 'UNAUTHORIZED', null);
    const { handle, outcome } = await runOrder(newOrderInput());
    expect(await expectOrderFailure(outcome)).to.deep.equal({ step: 'upsertCustomer', code: 'UNAUTHORIZED' });
    expect(await attemptsOf(handle, 'upsertCrmContact')).to.equal(1);
  });

  it('when ops cancel a run stuck on a failing ERP, then it compensates, tells the customer and ends cancelled', async () => {
    await inject('erp.main', 'createInvoice', 'VENDOR_UNAVAILABLE', null);
    const input = newOrderInput();
    const taskQueue = uniqueId('o2c-tq');
    const worker = await harness.newWorker(taskQueue);
    const handle = await env.client.workflow.start('orderToCash', {
      taskQueue,
      workflowId: `order-${input.orderId}`,
      args: [input],
    });
    const { error, progress } = await worker.runUntil(async () => {
      // Time only skips while a test awaits a result, so the retries here run in real time.
      while ((await handle.query(progressQuery)).currentStep !== 'createInvoice')
        await new Promise((r) => setTimeout(r, 50));
      await handle.cancel();
      const error = await handle.result().then(
        () => null,
        (e: unknown) => e,
      );
      return { error, progress: await handle.query(progressQuery) };
    });
    expect(error).to.be.instanceOf(WorkflowFailedError);
    expect((error as WorkflowFailedError).cause).to.be.instanceOf(CancelledFailure);
    expect(progress.status).to.equal('CANCELLED');
    expect(progress.compensations.map((c) => `${c.step}:${c.outcome}`)).to.deep.equal([
      'voidPayment:done',
      'cancelSalesOrder:done',
      'notifyCustomer:done',
    ]);
    const mail = await smtp.waitFor((m) => m.subject === `Your order ${input.orderId} could not be completed`);
    expect(mail.text).to.contain('cancelled');
  });
});
