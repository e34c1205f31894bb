import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ConnectorErrorCode } from '../../../connectors/connector-error-codes';
import { clearSandboxFaults, countSandboxRecords, injectSandboxFault } from '../../../connectors/sandbox/sandbox-admin';
import { parseFlowDocument } from '../../../server/flows/parse-flow-document';
import { flowWorkflowId, flowWorkflowType, type FlowRunInput } from '../../../workflows/flow/flow-run.types';
import { progressQuery } from '../../../workflows/shared/progress';
import type { OrderToCashInput } from '../../../workflows/order-to-cash/order-to-cash.types';
import { expectFlowFailure, runFlow } from '../../support/flow-runs';
import { newOrderInput, uniqueId } from '../../support/order-fixtures';
import { settle, startWorkflowHarness, type WorkflowHarness } from '../../support/workflow-harness';

const FLOW_FILE = path.join(__dirname, '..', '..', '..', 'config', 'flows', 'order-to-cash.yaml');

function orderToCashFlow(): Record<string, unknown> {
  const parsed = parseFlowDocument(readFileSync(FLOW_FILE, 'utf8'), 'application/yaml');
  if (!parsed.ok) throw new Error(`config/flows/order-to-cash.yaml does not parse: ${JSON.stringify(parsed.issues)}`);
  return parsed.document;
}

describe('orderToCash as a flow: the code version’s scenarios (time-skipping server, sandbox connectors, real SMTP)', function () {
  this.timeout(120_000);
  let harness: WorkflowHarness;
  const flow = orderToCashFlow();

  before(async () => {
    harness = await startWorkflowHarness('wf_o2c_flow');
  });
  after(() => harness?.close());
  afterEach(() => clearSandboxFaults(harness.db.models));

  const count = (instance: string, collection: string) => countSandboxRecords(harness.db.models, instance, collection);

  it('when every step succeeds, then the order is invoiced, captured and confirmed by email', async () => {
    const input = newOrderInput();
    const run = await runFlow(harness, flow, input);
    const result = (await run.outcome) as Record<string, unknown>;
    expect(result).to.include({ orderId: input.orderId });
    expect(result.total).to.deep.equal({ amount: 4498, currency: 'EUR' });
    for (const id of ['customerId', 'salesOrderId', 'invoiceId', 'paymentId', 'confirmationMessageId']) {
      expect(result[id], id).to.be.a('string').and.not.empty;
    }
    expect(run.progress.status).to.equal('COMPLETED');
    expect(run.progress.compensations).to.deep.equal([]);
    const mail = await harness.smtp.waitFor((m) => m.subject === `Your order ${input.orderId} is confirmed`);
    expect(mail.text).to.contain('2 × SKU-1');
  });

  it('when the payment is declined, then the sales order is cancelled and the customer told', async () => {
    const input = newOrderInput({ payment: { token: 'tok_declined_insufficient_funds' } });
    const run = await runFlow(harness, flow, input);
    const failure = await expectFlowFailure(run.outcome);
    // The catch told the customer, then raised the error again: the failure names where it came from.
    expect(failure.task).to.equal('/do/0/order/try/6/authorizePayment');
    expect(failure.error).to.include({
      title: ConnectorErrorCode.PaymentDeclined,
      instance: '/do/0/order/try/6/authorizePayment',
    });
    expect(run.progress.compensations).to.deep.equal([{ step: 'cancelSalesOrder', outcome: 'done' }]);
    const mail = await harness.smtp.waitFor((m) => m.subject === `Your order ${input.orderId} could not be completed`);
    expect(mail.text).to.contain('Your payment was declined.');
  });

  it('when an item is out of stock, then nothing is ordered or charged and the customer is told', async () => {
    const input = newOrderInput({ lines: [{ sku: 'OOS-FLOW', quantity: 1, unitAmount: 100 }] });
    const [ordersBefore, paymentsBefore] = await Promise.all([
      count('erp.main', 'salesOrders'),
      count('payment.main', 'payments'),
    ]);
    const run = await runFlow(harness, flow, input);
    const failure = await expectFlowFailure(run.outcome);
    expect(failure.error).to.include({ title: ConnectorErrorCode.OutOfStock, status: 409 });
    expect(failure.error.detail).to.equal('Out of stock: OOS-FLOW (requested 1, available 0)');
    expect(run.progress.compensations).to.deep.equal([]);
    expect(await count('erp.main', 'salesOrders')).to.equal(ordersBefore);
    expect(await count('payment.main', 'payments')).to.equal(paymentsBefore);
    const mail = await harness.smtp.waitFor((m) => m.subject === `Your order ${input.orderId} could not be completed`);
    expect(mail.text).to.contain('Some items are out of stock.');
  });

  it('when cancelled while the capture retries, then invoice, authorization and sales order are undone newest first', async () => {
    await injectSandboxFault(harness.db.models, {
      instance: 'payment.main',
      operation: 'capture',
      code: ConnectorErrorCode.VendorUnavailable,
      times: null,
    });
    const run = await runFlow(harness, flow, newOrderInput(), async (handle) => {
      await harness.env.sleep('30 seconds');
      await handle.cancel();
    });
    await run.outcome.catch(() => undefined);
    expect(run.progress.status).to.equal('CANCELLED');
    expect(run.progress.compensations).to.deep.equal([
      { step: 'cancelInvoice', outcome: 'done' },
      { step: 'voidPayment', outcome: 'done' },
      { step: 'cancelSalesOrder', outcome: 'done' },
    ]);
  });

  it('when the same order is started twice, then there is one run: one sales order, one charge, one email', async () => {
    const input: OrderToCashInput = newOrderInput();
    const taskQueue = uniqueId('o2c-flow-twice');
    const worker = await harness.newWorker(taskQueue);
    const [ordersBefore, paymentsBefore] = await Promise.all([
      count('erp.main', 'salesOrders'),
      count('payment.main', 'payments'),
    ]);
    const args: [FlowRunInput] = [{ flow: { name: 'order-to-cash', version: '1.0.0', document: flow }, input }];
    const start = () =>
      harness.env.client.workflow.start(flowWorkflowType('order-to-cash'), {
        taskQueue,
        workflowId: flowWorkflowId('order-to-cash', input.orderId),
        workflowIdConflictPolicy: 'USE_EXISTING',
        args,
      });
    const [first, second] = await Promise.all([start(), start()]);
    expect(second.firstExecutionRunId).to.equal(first.firstExecutionRunId);
    await worker.runUntil(async () => {
      const { outcome } = await settle(first.result());
      await outcome;
      expect((await first.query(progressQuery)).status).to.equal('COMPLETED');
    });
    expect(await count('erp.main', 'salesOrders')).to.equal(ordersBefore + 1);
    expect(await count('payment.main', 'payments')).to.equal(paymentsBefore + 1);
  });
});
