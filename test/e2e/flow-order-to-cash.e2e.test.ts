import { expect } from 'chai';
import { ConnectorErrorCode } from '../../connectors/connector-error-codes';
import { clearSandboxFaults, countSandboxRecords, injectSandboxFault } from '../../connectors/sandbox/sandbox-admin';
import type { OrderToCashInput } from '../../workflows/order-to-cash/order-to-cash.types';
import { keyedCall, waitForRun } from '../support/api-client';
import { eventually } from '../support/eventually';
import { newOrderInput } from '../support/order-fixtures';
import { terminateRuns } from '../support/temporal-cleanup';
import { startFlowStack, type FlowRunView, type FlowStack } from './flow-stack.support';

interface OrderResult {
  orderId: string;
  customerId: string;
  salesOrderId: string;
  invoiceId: string;
  paymentId: string;
  confirmationMessageId: string;
  total: { amount: number; currency: string };
}
type RunView = FlowRunView<OrderResult>;

const FLOW_TYPE = 'flow:order-to-cash';

describe('orderToCash as a flow end to end: config/flows/order-to-cash.yaml → POST /v1/runs → dev server → interpreter → sandbox connectors → SMTP', function () {
  this.timeout(180_000);
  let stack: FlowStack;
  let key: string;
  const started = new Set<string>();
  const call = keyedCall(
    () => stack.api.url,
    () => key,
  );

  before(async () => {
    stack = await startFlowStack('flow_o2c_e2e');
    key = await stack.createKey('shop', ['runs:read', 'runs:write']);
  });

  afterEach(() => clearSandboxFaults(stack.db.models));

  after(async () => {
    await terminateRuns(stack?.temporal, started);
    await stack?.close();
  });

  const post = async (input: OrderToCashInput) => {
    const reply = await call<{ workflowId: string; runId: string }>('POST', '/v1/runs', {
      body: { type: FLOW_TYPE, input },
    });
    expect(reply.status, reply.text).to.equal(202);
    started.add(reply.body.workflowId);
    return reply;
  };
  const waitForClose = (workflowId: string) => waitForRun<RunView>(call, workflowId);
  const counts = async () => ({
    salesOrders: await countSandboxRecords(stack.db.models, 'erp.main', 'salesOrders'),
    invoices: await countSandboxRecords(stack.db.models, 'erp.main', 'invoices'),
    payments: await countSandboxRecords(stack.db.models, 'payment.main', 'payments'),
  });
  const record = async (id: string | undefined) =>
    (await stack.db.models.SandboxRecord.findOne({ where: { id: id ?? '' } }))?.data as Record<string, unknown>;
  /** The sandbox sales order of a shop order (its externalReference). */
  const salesOrderOf = async (orderId: string) =>
    (await stack.db.models.SandboxRecord.findAll({ where: { instance: 'erp.main', collection: 'salesOrders' } })).find(
      (order) => order.data.externalReference === orderId,
    );
  const mailsWithSubject = (subject: string) => stack.smtp.messages.filter((m) => m.subject === subject);

  it('publishes config/flows/ at start-up, and the catalog lists flow:order-to-cash with its input schema', async () => {
    expect(stack.flowFiles.published).to.include('order-to-cash@1.0.0');
    const workflows = await call<{ items: { type: string; inputSchema: { required: string[] } }[] }>(
      'GET',
      '/v1/workflows',
    );
    expect(workflows.status, workflows.text).to.equal(200);
    const entry = workflows.body.items.find((item) => item.type === FLOW_TYPE);
    expect(entry?.inputSchema.required).to.include.members(['orderId', 'customer', 'lines', 'payment']);
  });

  it('when a shop posts an order, then the flow completes: one sales order, one invoice, one captured payment, one confirmation email', async () => {
    const before = await counts();
    const input = newOrderInput();
    const reply = await post(input);
    expect(reply.body.workflowId).to.equal(`${FLOW_TYPE}:${input.orderId}`);

    const run = await waitForClose(reply.body.workflowId);
    expect(run.status, JSON.stringify(run)).to.equal('COMPLETED');
    expect(run.type).to.equal(FLOW_TYPE);
    expect(run.searchAttributes).to.include({ BusinessKey: input.orderId, ProcessStatus: 'COMPLETED' });
    expect(run.progress?.status).to.equal('COMPLETED');
    expect(run.progress?.compensations).to.deep.equal([]);
    expect(run.result).to.include({ orderId: input.orderId });
    expect(run.result?.total).to.deep.equal({ amount: 4498, currency: 'EUR' });

    expect(await counts()).to.deep.equal({
      salesOrders: before.salesOrders + 1,
      invoices: before.invoices + 1,
      payments: before.payments + 1,
    });
    expect(await record(run.result?.salesOrderId)).to.include({ status: 'open', externalReference: input.orderId });
    expect(await record(run.result?.paymentId)).to.include({ status: 'captured', capturedAmount: 4498 });
    const mail = await stack.smtp.waitFor((m) => m.subject === `Your order ${input.orderId} is confirmed`);
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').to.contain(input.customer.email);
    expect(mail.text).to.contain('2 × SKU-1').and.contain('1 × SKU-2');
    expect(mail.messageId).to.equal(run.result?.confirmationMessageId);
  });

  it('when the card is declined, then the sales order is cancelled, GET /v1/runs/{id} shows the failing task and message and the compensation, and the customer is told', async () => {
    const before = await counts();
    const input = newOrderInput({ payment: { token: 'tok_declined_insufficient_funds' } });
    const reply = await post(input);
    const run = await waitForClose(reply.body.workflowId);
    expect(run.status, JSON.stringify(run)).to.equal('FAILED');
    expect(run.searchAttributes).to.include({ ProcessStatus: 'FAILED' });
    // Readable failure: the task the error came from (the catch re-raised it), and the vendor's reason.
    expect(run.failure?.message).to.equal(
      'Flow order-to-cash@1.0.0 failed at /do/0/order/try/6/authorizePayment: payment.main: payment declined: Your card was declined.',
    );
    expect(run.failure?.details).to.deep.include({
      task: '/do/0/order/try/6/authorizePayment',
      raisedAt: '/do/0/order/catch/do/1/orderFailed',
    });
    expect((run.failure?.details as { error: Record<string, unknown> }).error).to.include({
      title: ConnectorErrorCode.PaymentDeclined,
      instance: '/do/0/order/try/6/authorizePayment',
    });
    expect(run.progress?.failure).to.include({
      step: '/do/0/order/try/6/authorizePayment',
      message: 'payment.main: payment declined: Your card was declined.',
    });
    expect(run.progress?.compensations).to.deep.equal([{ step: 'cancelSalesOrder', outcome: 'done' }]);

    const after = await counts();
    expect(after.salesOrders).to.equal(before.salesOrders + 1);
    expect(after.invoices).to.equal(before.invoices);
    expect((await salesOrderOf(input.orderId))?.data).to.include({ status: 'cancelled' });
    const mail = await stack.smtp.waitFor((m) => m.subject === `Your order ${input.orderId} could not be completed`);
    expect(mail.text).to.contain('Your payment was declined.');
    expect(mailsWithSubject(`Your order ${input.orderId} is confirmed`)).to.have.length(0);
  });

  it("when an expression fails at run time, then the run fails at once and GET /v1/runs/{id} names the task and jq's message", async () => {
    const author = await stack.createKey('author', ['flows:write', 'runs:read', 'runs:write']);
    const flow = {
      document: { dsl: '1.0.0', namespace: 'tests', name: 'order-total', version: '1.0.0' },
      do: [
        { check: { set: { orderId: '${ .orderId }' } } },
        {
          total: {
            set: {
              total: '${ [$workflow.input.lines[] | .quantity * .unitAmount] | add | . + $workflow.input.currency }',
            },
          },
        },
      ],
    };
    const published = await call('POST', '/v1/flows', { key: author, body: flow });
    expect(published.status, published.text).to.equal(201);
    const reply = await call<{ workflowId: string }>('POST', '/v1/runs', {
      key: author,
      body: { type: 'flow:order-total', input: newOrderInput() },
    });
    expect(reply.status, reply.text).to.equal(202);
    started.add(reply.body.workflowId);
    const run = await waitForClose(reply.body.workflowId);
    expect(run.status, JSON.stringify(run)).to.equal('FAILED');
    expect(run.failure?.message).to.match(/^Flow order-total@1\.0\.0 failed at \/do\/1\/total: .*cannot be added/);
    expect(run.progress?.failure?.step).to.equal('/do/1/total');
    expect(run.progress?.stepsDone).to.deep.equal(['/do/0/check']);
  });

  it('when an item is out of stock, then nothing is ordered or charged (no payment row) and the customer is told', async () => {
    const before = await counts();
    const input = newOrderInput({
      lines: [
        { sku: 'SKU-1', quantity: 1, unitAmount: 1999 },
        { sku: 'OOS-FLOW-E2E', quantity: 2, unitAmount: 100 },
      ],
    });
    const reply = await post(input);
    const run = await waitForClose(reply.body.workflowId);
    expect(run.status, JSON.stringify(run)).to.equal('FAILED');
    expect(run.failure?.message).to.contain('Out of stock: OOS-FLOW-E2E (requested 2, available 0)');
    expect(run.progress?.compensations).to.deep.equal([]);
    expect(await counts()).to.deep.equal(before);
    const mail = await stack.smtp.waitFor((m) => m.subject === `Your order ${input.orderId} could not be completed`);
    expect(mail.text).to.contain('Some items are out of stock.');
  });

  it('when the run is cancelled while the capture keeps failing, then it is CANCELLED and invoice, authorization and sales order are undone newest first', async () => {
    await injectSandboxFault(stack.db.models, {
      instance: 'payment.main',
      operation: 'capture',
      code: ConnectorErrorCode.VendorUnavailable,
      times: null,
    });
    const input = newOrderInput();
    const reply = await post(input);
    const workflowId = reply.body.workflowId;
    // Wait until the capture is being retried: everything before it is done.
    await waitForRun<RunView>(
      call,
      workflowId,
      (run) => run.progress?.stepsDone.some((s) => s.includes('createInvoice')) ?? false,
    );
    const cancelled = await call('POST', `/v1/runs/${encodeURIComponent(workflowId)}/cancel`);
    expect(cancelled.status, cancelled.text).to.equal(202);

    const run = await waitForClose(workflowId);
    expect(run.status, JSON.stringify(run)).to.equal('CANCELLED');
    expect(run.progress?.status).to.equal('CANCELLED');
    expect(run.searchAttributes).to.include({ ProcessStatus: 'CANCELLED' });
    expect(run.progress?.compensations).to.deep.equal([
      { step: 'cancelInvoice', outcome: 'done' },
      { step: 'voidPayment', outcome: 'done' },
      { step: 'cancelSalesOrder', outcome: 'done' },
    ]);
    const order = await salesOrderOf(input.orderId);
    expect(order?.data).to.include({ status: 'cancelled' });
    const payments = await stack.db.models.SandboxRecord.findAll({
      where: { instance: 'payment.main', collection: 'payments' },
    });
    const charged = payments.filter((payment) => payment.data.reference === order?.id);
    expect(charged.map((payment) => payment.data.status)).to.deep.equal(['voided']);
    expect(mailsWithSubject(`Your order ${input.orderId} is confirmed`)).to.have.length(0);
  });

  it('when the same order is posted again during and after its run, then one run: one sales order, one charge, one email', async () => {
    const before = await counts();
    const input = newOrderInput();
    const concurrent = await Promise.all([post(input), post(input), post(input)]);
    expect(new Set(concurrent.map((reply) => reply.body.workflowId))).to.deep.equal(
      new Set([`${FLOW_TYPE}:${input.orderId}`]),
    );
    expect(new Set(concurrent.map((reply) => reply.body.runId)).size).to.equal(1);

    const run = await waitForClose(concurrent[0]!.body.workflowId);
    expect(run.status, JSON.stringify(run)).to.equal('COMPLETED');
    const afterwards = await post(input);
    expect(afterwards.body.workflowId).to.equal(run.workflowId);
    expect(afterwards.body.runId).to.equal(run.runId);

    const subject = `Your order ${input.orderId} is confirmed`;
    await stack.smtp.waitFor((m) => m.subject === subject);
    await eventually(
      'no second confirmation within 1 s',
      () => new Promise((resolve) => setTimeout(() => resolve(mailsWithSubject(subject).length), 1_000)),
      (sent) => sent === 1,
    );
    expect(await counts()).to.deep.equal({
      salesOrders: before.salesOrders + 1,
      invoices: before.invoices + 1,
      payments: before.payments + 1,
    });
    expect(await record(run.result?.paymentId)).to.include({ status: 'captured', capturedAmount: 4498 });
  });
});
