import { expect } from 'chai';
import { countSandboxRecords } from '../../connectors/sandbox/sandbox-admin';
import type { OrderToCashInput } from '../../workflows/order-to-cash/order-to-cash.types';
import { keyedCall, waitForRun } from '../support/api-client';
import { startApiStack, type ApiStack } from '../support/api-stack';
import { newOrderInput } from '../support/order-fixtures';

interface RunView {
  workflowId: string;
  runId: string;
  status: string;
  searchAttributes: Record<string, unknown>;
  progress: { status: string; stepsDone: string[]; compensations: { step: string; outcome: string }[] } | null;
  result?: { salesOrderId: string; paymentId: string; confirmationMessageId: string };
  failure?: { message: string };
}

describe('orderToCash end to end: API → Temporal dev server → worker → sandbox connectors → SMTP', function () {
  this.timeout(120_000);
  let stack: ApiStack;
  let key: string;
  const call = keyedCall(
    () => stack.api.url,
    () => key,
  );

  before(async function () {
    stack = await startApiStack({ label: 'o2c_e2e' });
    key = await stack.createKey('shop', ['runs:read', 'runs:write']);
  });

  after(async function () {
    await stack?.close();
  });

  const post = (input: OrderToCashInput) =>
    call<{ workflowId: string; runId: string }>('POST', '/v1/runs', { body: { type: 'orderToCash', input } });

  const waitForClose = (workflowId: string) => waitForRun<RunView>(call, workflowId);

  it('when a shop posts an order, then it completes, is searchable and the customer gets a confirmation with the order details', async () => {
    const input = newOrderInput();
    const started = await post(input);
    expect(started.status).to.equal(202);
    expect(started.body.workflowId).to.equal(`order-${input.orderId}`);

    const run = await waitForClose(started.body.workflowId);
    expect(run.status).to.equal('COMPLETED');
    expect(run.progress?.status).to.equal('COMPLETED');
    expect(run.progress?.stepsDone).to.have.length(7);
    expect(run.searchAttributes).to.include({
      BusinessKey: input.orderId,
      CustomerEmail: input.customer.email,
      OrderTotal: 44.98,
      ProcessStatus: 'COMPLETED',
    });

    const mail = await stack.smtp.waitFor((m) => m.subject === `Your order ${input.orderId} is confirmed`);
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').to.contain(input.customer.email);
    expect(mail.text).to.contain(input.orderId).and.contain('2 x SKU-1').and.contain('1 x SKU-2').and.contain('€44.98');
    expect(mail.messageId).to.equal(run.result?.confirmationMessageId);
  });

  it('when the same order is posted again during and after its run, then there is one run, one sales order, one capture and one email', async () => {
    const [ordersBefore, paymentsBefore] = await Promise.all([
      countSandboxRecords(stack.db.models, 'erp.main', 'salesOrders'),
      countSandboxRecords(stack.db.models, 'payment.main', 'payments'),
    ]);
    const input = newOrderInput();
    const concurrent = await Promise.all([post(input), post(input), post(input)]);
    const runIds = new Set(concurrent.map((reply) => reply.body.runId));
    expect(concurrent.map((reply) => reply.status)).to.deep.equal([202, 202, 202]);
    expect(runIds.size).to.equal(1);

    const run = await waitForClose(concurrent[0]!.body.workflowId);
    expect(run.status).to.equal('COMPLETED');
    const afterwards = await post(input);
    expect(afterwards.status).to.equal(202);
    expect(afterwards.body.runId).to.equal(run.runId);

    await stack.smtp.waitFor((m) => m.subject === `Your order ${input.orderId} is confirmed`);
    await new Promise((resolve) => setTimeout(resolve, 500)); // a duplicate would arrive within this
    expect(stack.smtp.messages.filter((m) => m.subject === `Your order ${input.orderId} is confirmed`)).to.have.length(
      1,
    );
    expect(await countSandboxRecords(stack.db.models, 'erp.main', 'salesOrders')).to.equal(ordersBefore + 1);
    expect(await countSandboxRecords(stack.db.models, 'payment.main', 'payments')).to.equal(paymentsBefore + 1);
    const payment = await stack.db.models.SandboxRecord.findOne({ where: { id: run.result?.paymentId ?? '' } });
    expect(payment?.data).to.include({ status: 'captured', capturedAmount: 4498 });
  });

  it('when the card is declined, then the API shows the failure and the compensations, and the customer is told', async () => {
    const input = newOrderInput({ payment: { token: 'tok_declined' } });
    const started = await post(input);
    const run = await waitForClose(started.body.workflowId);
    expect(run.status).to.equal('FAILED');
    expect(run.failure?.message).to.contain('authorizePayment');
    expect(run.searchAttributes).to.include({ ProcessStatus: 'FAILED' });
    expect(run.progress?.compensations.map((c) => `${c.step}:${c.outcome}`)).to.deep.equal([
      'cancelSalesOrder:done',
      'notifyCustomer:done',
    ]);
    const mail = await stack.smtp.waitFor((m) => m.subject === `Your order ${input.orderId} could not be completed`);
    expect(mail.text).to.contain('declined');
  });
});
