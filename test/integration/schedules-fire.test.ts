import { expect } from 'chai';
import { countSandboxRecords } from '../../connectors/sandbox/sandbox-admin';
import { keyedCall, waitForRun } from '../support/api-client';
import { startApiStack, type ApiStack } from '../support/api-stack';
import { eventually } from '../support/eventually';
import { newOrderInput, uniqueId } from '../support/order-fixtures';
import { deleteSchedules, terminateRuns } from '../support/temporal-cleanup';

interface ScheduleView {
  info: { recentActions: { scheduledAt: string; takenAt: string; workflowId: string; runId: string }[] };
}

interface RunView {
  workflowId: string;
  runId: string;
  status: string;
  searchAttributes: Record<string, unknown>;
  result?: { salesOrderId: string; confirmationMessageId: string };
}

describe('a schedule fires on the dev server: /v1/schedules → Temporal Schedule → worker → orderToCash on sandbox connectors', function () {
  this.timeout(120_000);
  let stack: ApiStack;
  let key: string;
  const schedules: string[] = [];
  const runs: string[] = [];
  const call = keyedCall(
    () => stack.api.url,
    () => key,
  );

  before(async function () {
    stack = await startApiStack({ label: 'sched_fire' });
    // Creating a schedule of orderToCash needs the right to start orderToCash as well.
    key = await stack.createKey('ops', ['runs:read', 'schedules:write', 'runs:write:orderToCash']);
  });

  after(async function () {
    await deleteSchedules(stack.temporal, schedules);
    await terminateRuns(stack.temporal, runs);
    await stack?.close();
  });

  it('when an interval schedule comes due, then it starts its workflow by itself, and the run completes with its effects', async () => {
    const id = uniqueId('every-2s');
    const input = newOrderInput();
    const ordersBefore = await countSandboxRecords(stack.db.models, 'erp.main', 'salesOrders');
    schedules.push(id);
    const created = await call('POST', '/v1/schedules', { body: { id, workflow: 'orderToCash', input, every: '2s' } });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);

    // Nobody triggers it: the first action is the schedule's own, due within two seconds.
    const fired = await eventually(
      'the first scheduled action',
      () => call<ScheduleView>('GET', `/v1/schedules/${id}`),
      (reply) => reply.body.info.recentActions.length > 0,
      { timeoutMs: 60_000 },
    );
    // One firing is enough for the test; stop it before it places more orders.
    expect((await call('DELETE', `/v1/schedules/${id}`)).status).to.equal(204);
    const actions = fired.body.info.recentActions;
    runs.push(...actions.map((action) => action.workflowId));
    const first = actions[0]!;
    expect(first.workflowId).to.equal(
      `schedule-${id}-${new Date(first.scheduledAt).toISOString().replace('.000Z', 'Z')}`,
    );
    expect(new Date(first.scheduledAt).getTime() % 2_000).to.equal(0);

    const run = await waitForRun<RunView>(call, first.workflowId, undefined, { untilFound: true });
    expect(run).to.include({ workflowId: first.workflowId, runId: first.runId, status: 'COMPLETED' });
    expect(run.searchAttributes).to.include({ BusinessKey: input.orderId, ProcessStatus: 'COMPLETED' });
    const mail = await stack.smtp.waitFor((m) => m.subject === `Your order ${input.orderId} is confirmed`);
    expect(mail.messageId).to.equal(run.result?.confirmationMessageId);
    expect(await countSandboxRecords(stack.db.models, 'erp.main', 'salesOrders')).to.be.at.least(ordersBefore + 1);
  });
});
