import { Worker } from '@temporalio/worker';
import { expect } from 'chai';
import { clearSandboxFaults, countSandboxRecords, injectSandboxFault } from '../../connectors/sandbox/sandbox-admin';
import { ConnectorErrorCode } from '../../connectors/connector-error-codes';
import type { OrderToCashInput } from '../../workflows/order-to-cash/order-to-cash.types';
import { expectProblem, keyedCall, waitForRun } from '../support/api-client';
import { runJunction } from '../support/cli-runner';
import { startApiStack, type ApiStack } from '../support/api-stack';
import type { History } from '../support/history-inspection';
import { newOrderInput } from '../support/order-fixtures';
import { sharedWorkflowBundle } from '../support/workflow-bundle';

interface RunView {
  workflowId: string;
  runId: string;
  status: string;
  progress: { status: string; stepsDone: string[]; compensations: { step: string }[] } | null;
  result?: { salesOrderId: string; paymentId: string; confirmationMessageId: string };
  resets: { firstRunId: string | null; resetFrom: { runId: string; eventId: number } | null } | null;
}

/** A 202's body, or a problem's (detail) on refusal. */
type ResetReply = Record<string, unknown> & {
  workflowId: string;
  runId: string;
  resetFrom: { runId: string; eventId: number; step: string };
  detail?: string;
};

/** Activity types scheduled in a history after an event, with how often. */
function scheduledAfter(history: History, eventId: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const event of history.events ?? []) {
    const name = event.activityTaskScheduledEventAttributes?.activityType?.name;
    if (name && Number(event.eventId) > eventId) counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

/**
 * The ERP refuses createSalesOrder with FORBIDDEN, a non-retryable code, so the run fails at once
 * instead of after the connectorCall policy's 10 attempts (~4 minutes of backoff): the history a
 * retryable fault that outlasts the policy leaves is the same (the step's activity failed for
 * good, the saga sent the failure email), only the test is fast.
 */
describe('Reset one failed run to a step (e2e): POST /v1/runs/{id}/reset on the dev server', function () {
  this.timeout(180_000);
  let stack: ApiStack;
  let shopKey: string;
  let opsKey: string;
  const shop = keyedCall(
    () => stack.api.url,
    () => shopKey,
  );
  const ops = keyedCall(
    () => stack.api.url,
    () => opsKey,
  );

  before(async function () {
    stack = await startApiStack({ label: 'run_reset' });
    shopKey = await stack.createKey('shop', ['runs:read', 'runs:write']);
    opsKey = await stack.createKey('ops', ['runs:read', 'runs:reset']);
  });

  after(async function () {
    await stack?.close();
  });

  const models = () => stack.db.models;
  const reset = (workflowId: string, body: Record<string, unknown>, key?: string) =>
    ops<ResetReply>('POST', `/v1/runs/${encodeURIComponent(workflowId)}/reset`, {
      body,
      ...(key === undefined ? {} : { key }),
    });
  const confirmations = (input: OrderToCashInput) =>
    stack.smtp.messages.filter((m) => m.subject === `Your order ${input.orderId} is confirmed`);

  const startOrder = async (input: OrderToCashInput): Promise<string> => {
    const started = await shop<{ workflowId: string }>('POST', '/v1/runs', { body: { type: 'orderToCash', input } });
    expect(started.status, started.text).to.equal(202);
    return started.body.workflowId;
  };

  async function orderFailingAt(
    operation: 'createSalesOrder' | 'capture',
    instance: string,
  ): Promise<{ run: RunView; input: OrderToCashInput }> {
    await injectSandboxFault(models(), { instance, operation, code: ConnectorErrorCode.Forbidden, times: null });
    try {
      const input = newOrderInput();
      const run = await waitForRun<RunView>(shop, await startOrder(input));
      expect(run.status).to.equal('FAILED');
      return { run, input };
    } finally {
      await clearSandboxFaults(models(), instance);
    }
  }

  const newRunClosed = (runId: string) => (run: RunView) => run.runId === runId && run.status !== 'RUNNING';

  it('when an order failed at createSalesOrder and the ERP is back, then a reset to createSalesOrder completes it once, without running the CRM upsert or the stock check again, and the new run replays', async () => {
    const { run: failed, input } = await orderFailingAt('createSalesOrder', 'erp.main');
    expect(failed.progress?.stepsDone).to.deep.equal(['upsertCustomer', 'checkStock']);
    const [orders, payments, contacts] = await Promise.all([
      countSandboxRecords(models(), 'erp.main', 'salesOrders'),
      countSandboxRecords(models(), 'payment.main', 'payments'),
      countSandboxRecords(models(), 'crm.main', 'contacts'),
    ]);

    const reply = await reset(failed.workflowId, { toStep: 'createSalesOrder', reason: 'ERP was down (INC-7)' });
    expect(reply.status, reply.text).to.equal(202);
    expect(reply.body.workflowId).to.equal(failed.workflowId);
    expect(reply.body.runId).to.be.a('string').and.not.equal(failed.runId);
    expect(reply.body.resetFrom).to.include({ runId: failed.runId, step: 'createSalesOrder' });

    const done = await waitForRun<RunView>(shop, failed.workflowId, newRunClosed(reply.body.runId));
    expect(done.status).to.equal('COMPLETED');
    expect(done.resets?.resetFrom?.runId).to.equal(failed.runId);
    expect(done.resets?.firstRunId).to.equal(failed.runId);

    // Exactly one sales order, one captured payment and one confirmation; the CRM saw nothing new.
    expect(await countSandboxRecords(models(), 'erp.main', 'salesOrders')).to.equal(orders + 1);
    expect(await countSandboxRecords(models(), 'payment.main', 'payments')).to.equal(payments + 1);
    expect(await countSandboxRecords(models(), 'crm.main', 'contacts')).to.equal(contacts);
    const payment = await models().SandboxRecord.findByPk(done.result?.paymentId ?? '');
    expect(payment?.data.status).to.equal('captured');
    await stack.smtp.waitFor((m) => m.subject === `Your order ${input.orderId} is confirmed`);
    expect(confirmations(input)).to.have.length(1);

    const history = await stack.temporal.workflow.getHandle(failed.workflowId, reply.body.runId).fetchHistory();
    expect(scheduledAfter(history, reply.body.resetFrom.eventId)).to.deep.equal({
      upsertErpCustomer: 1,
      createSalesOrder: 1,
      authorizePayment: 1,
      createInvoice: 1,
      capturePayment: 1,
      sendOrderEmail: 1,
    });
    await Worker.runReplayHistory({ workflowBundle: await sharedWorkflowBundle() }, history, failed.workflowId);

    const audit = await models().AuditEntry.findOne({ where: { action: 'runs.reset', target: failed.workflowId } });
    expect(audit?.outcome).to.equal('success');
    expect(audit?.details).to.deep.include({ reason: 'ERP was down (INC-7)', runId: reply.body.runId });

    // The completed run has nothing left to repair.
    expectProblem(await reset(failed.workflowId, { to: 'start', reason: 'again' }), 409, 'run-not-resettable');
  });

  it('when a failed run is reset to its last failure, then the step it failed at runs again and the order completes', async () => {
    const { run: failed } = await orderFailingAt('createSalesOrder', 'erp.main');
    const reply = await reset(failed.workflowId, { to: 'lastFailure', reason: 'ERP was down (INC-7)' });
    expect(reply.status, reply.text).to.equal(202);
    expect(reply.body.resetFrom.step).to.equal('createSalesOrder');
    const done = await waitForRun<RunView>(shop, failed.workflowId, newRunClosed(reply.body.runId));
    expect(done.status).to.equal('COMPLETED');
  });

  it('when the run is still running, then a reset is refused with 409', async () => {
    // A retryable fault keeps the run from finishing (createSalesOrder retries) until it is cleared.
    await injectSandboxFault(models(), {
      instance: 'erp.main',
      operation: 'createSalesOrder',
      code: ConnectorErrorCode.VendorUnavailable,
      times: null,
    });
    let workflowId: string;
    try {
      workflowId = await startOrder(newOrderInput());
      expectProblem(await reset(workflowId, { to: 'start', reason: 'try' }), 409, 'run-not-resettable');
    } finally {
      await clearSandboxFaults(models(), 'erp.main');
    }
    expect((await waitForRun<RunView>(shop, workflowId)).status).to.equal('COMPLETED');
  });

  it('when the step is not resettable or was never reached, then the reset is refused with 409 and the run stays as it was', async () => {
    const { run: failed } = await orderFailingAt('createSalesOrder', 'erp.main');
    const notDeclared = await reset(failed.workflowId, { toStep: 'invoiceByErpBillingRun', reason: 'try' });
    expectProblem(notDeclared, 409, 'step-not-resettable');
    expect(notDeclared.body.detail).to.contain('createSalesOrder, authorizePayment');
    expectProblem(await reset(failed.workflowId, { toStep: 'capturePayment', reason: 'try' }), 409, 'step-not-reached');
    const unchanged = await waitForRun<RunView>(shop, failed.workflowId);
    expect(unchanged.runId).to.equal(failed.runId);
  });

  it('when the saga already voided the payment, then every reset is refused with 409: the run needs a new generation', async () => {
    const { run: failed } = await orderFailingAt('capture', 'payment.main');
    expect(failed.progress?.compensations.map((c) => c.step)).to.include('voidPayment');
    for (const body of [{ toStep: 'capturePayment' }, { to: 'lastFailure' }, { to: 'start' }]) {
      const refused = await reset(failed.workflowId, { ...body, reason: 'payment provider back' });
      expectProblem(refused, 409, 'run-compensated');
      expect(refused.body.detail).to.contain('voidPayment (undoes authorizePayment)').and.contain('new generation');
    }
  });

  it('when a key without runs:reset asks for a reset, then it gets 403; a body naming no target gets 400', async () => {
    const { run: failed } = await orderFailingAt('createSalesOrder', 'erp.main');
    expectProblem(await reset(failed.workflowId, { to: 'start', reason: 'try' }, shopKey), 403);
    expectProblem(await reset(failed.workflowId, { reason: 'try' }), 400);
    expectProblem(await reset(failed.workflowId, { to: 'start', toStep: 'checkStock', reason: 'try' }), 400);
  });

  it('when ops run `junction runs reset --to-last-failure`, then the new run id is printed and the order completes; a second reset of the completed run exits 5', async () => {
    const { run: failed } = await orderFailingAt('createSalesOrder', 'erp.main');
    const junction = (args: string[]) => runJunction(args, { url: stack.api.url, key: opsKey });
    expect((await junction(['runs', 'reset', failed.workflowId, '--reason', 'x'])).code).to.equal(2);
    const result = await junction(['runs', 'reset', failed.workflowId, '--to-last-failure', '--reason', 'ERP back']);
    expect(result.code, result.stderr).to.equal(0);
    const newRunId = result.stdout.trim();
    expect(result.stderr).to.contain(`Reset ${failed.workflowId} to createSalesOrder`);
    expect((await waitForRun<RunView>(shop, failed.workflowId, newRunClosed(newRunId))).status).to.equal('COMPLETED');
    const again = await junction(['runs', 'reset', failed.workflowId, '--to-start', '--reason', 'again']);
    expect(again.code).to.equal(5);
    expect(again.stderr).to.contain('COMPLETED');
  });
});
