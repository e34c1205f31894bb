import { Worker } from '@temporalio/worker';
import { expect } from 'chai';
import { ConnectorErrorCode } from '../../connectors/connector-error-codes';
import { clearSandboxFaults, countSandboxRecords, injectSandboxFault } from '../../connectors/sandbox/sandbox-admin';
import { keyedCall, waitForRun } from '../support/api-client';
import type { History } from '../support/history-inspection';
import { newOrderInput } from '../support/order-fixtures';
import { sharedWorkflowBundle } from '../support/workflow-bundle';
import { startFlowStack, type FlowRunView, type FlowStack } from './flow-stack.support';

type RunView = FlowRunView & { resets: { resetFrom: { runId: string } | null } | null };

/** The task paths of the connector calls a history scheduled after an event, in order. */
function tasksAfter(history: History, eventId: number): string[] {
  return (history.events ?? []).flatMap((event) => {
    const scheduled = event.activityTaskScheduledEventAttributes;
    const data = scheduled?.input?.payloads?.[0]?.data;
    if (!data || Number(event.eventId) <= eventId) return [];
    return [(JSON.parse(Buffer.from(data).toString('utf8')) as { task: string }).task];
  });
}

describe('Reset a failed flow run to a task (e2e): flow:order-to-cash on the dev server', function () {
  this.timeout(180_000);
  let stack: FlowStack;
  let key: string;
  const call = keyedCall(
    () => stack.api.url,
    () => key,
  );

  before(async () => {
    stack = await startFlowStack('flow_reset');
    key = await stack.createKey('ops', ['runs:read', 'runs:write', 'runs:reset']);
  });

  after(async () => {
    await stack?.close();
  });

  it('when a flow order failed at its createSalesOrder task and the ERP is back, then a reset to the last failure completes it once from that task, and the new run replays', async () => {
    const models = stack.db.models;
    await injectSandboxFault(models, {
      instance: 'erp.main',
      operation: 'createSalesOrder',
      code: ConnectorErrorCode.Forbidden,
      times: null,
    });
    const input = newOrderInput();
    let failed: RunView;
    try {
      const started = await call<{ workflowId: string }>('POST', '/v1/runs', {
        body: { type: 'flow:order-to-cash', input },
      });
      expect(started.status, started.text).to.equal(202);
      failed = await waitForRun<RunView>(call, started.body.workflowId);
      expect(failed.status).to.equal('FAILED');
    } finally {
      await clearSandboxFaults(models, 'erp.main');
    }
    const [orders, payments] = await Promise.all([
      countSandboxRecords(models, 'erp.main', 'salesOrders'),
      countSandboxRecords(models, 'payment.main', 'payments'),
    ]);

    const reply = await call<{ runId: string; resetFrom: { runId: string; eventId: number; step: string } }>(
      'POST',
      `/v1/runs/${encodeURIComponent(failed.workflowId)}/reset`,
      { body: { to: 'lastFailure', reason: 'ERP was down (INC-7)' } },
    );
    expect(reply.status, reply.text).to.equal(202);
    expect(reply.body.resetFrom.step).to.match(/\/createSalesOrder$/);
    const done = await waitForRun<RunView>(
      call,
      failed.workflowId,
      (run) => run.runId === reply.body.runId && run.status !== 'RUNNING',
    );
    expect(done.status).to.equal('COMPLETED');
    expect(done.resets?.resetFrom?.runId).to.equal(failed.runId);
    expect(await countSandboxRecords(models, 'erp.main', 'salesOrders')).to.equal(orders + 1);
    expect(await countSandboxRecords(models, 'payment.main', 'payments')).to.equal(payments + 1);
    await stack.smtp.waitFor((m) => m.subject === `Your order ${input.orderId} is confirmed`);
    expect(stack.smtp.messages.filter((m) => m.subject === `Your order ${input.orderId} is confirmed`)).to.have.length(
      1,
    );

    const history = await stack.temporal.workflow.getHandle(failed.workflowId, reply.body.runId).fetchHistory();
    const tasks = tasksAfter(history, reply.body.resetFrom.eventId).map((path) => path.split('/').pop());
    expect(tasks).to.deep.equal([
      'createSalesOrder',
      'authorizePayment',
      'createInvoice',
      'capturePayment',
      'sendConfirmation',
    ]);
    await Worker.runReplayHistory({ workflowBundle: await sharedWorkflowBundle() }, history, failed.workflowId);
  });
});
