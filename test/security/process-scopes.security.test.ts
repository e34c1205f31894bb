/**
 * Security model, scopes per process (issue 10, item 3), through the real API on the dev server:
 * a key limited to a process starts, reads, signals and cancels that process only and lists only
 * its runs; `schedules:write` never starts a process its key could not start; a run's input (or an
 * imported row: process-scopes-intake.security.test.ts) cannot choose connector instances or the
 * invoicing path without the scope (or the source's consent) that allows it. Each refusal sits
 * next to the legitimate path still working.
 */
import { expect } from 'chai';
import { PROCESS_CATALOG } from '../../workflows/catalog';
import { notificationWorkflowId } from '../../workflows/notification-fanout/notification-fanout.types';
import { orderWorkflowId } from '../../workflows/order-to-cash/order-to-cash.types';
import { expectProblem, keyedCall, waitForRun, type KeyedCall } from '../support/api-client';
import { startApiStack, type ApiStack } from '../support/api-stack';
import { newOrderInput, uniqueId } from '../support/order-fixtures';
import { eventually } from '../support/eventually';
import { expectLacks } from './fixtures/scope-refusals';

interface RunSummary {
  workflowId: string;
  type: string;
  status: string;
}

interface ScheduleView {
  id: string;
  workflow: string;
  state: { paused: boolean };
  spec: { input: { subject: string } } | null;
  info: { recentActions: unknown[]; actionCount: number };
}

function fanoutInput(eventId: string, subject = 'Scheduled notice') {
  return {
    eventId,
    subject,
    text: 'Hello {{name}}',
    recipients: [{ email: `${eventId.toLowerCase()}@recipient.example`, name: 'Grace' }],
  };
}

describe('security: scopes per process, schedules and infrastructure fields through the API', function () {
  this.timeout(180_000);
  let stack: ApiStack;
  let admin: KeyedCall;

  before(async () => {
    stack = await startApiStack({ label: 'sec_scopes' });
    const adminKey = await stack.createKey('ops', ['admin']);
    admin = keyedCall(
      () => stack.api.url,
      () => adminKey,
    );
  });

  after(async () => {
    await stack?.close();
  });

  const as = (key: string): KeyedCall =>
    keyedCall(
      () => stack.api.url,
      () => key,
    );
  const runOf = (workflowId: string) => admin('GET', `/v1/runs/${encodeURIComponent(workflowId)}`);

  describe('a key limited to orderToCash', () => {
    let orderKey: KeyedCall;
    let fanoutId: string;
    let fanoutEventId: string;

    before(async () => {
      orderKey = as(await stack.createKey('shop', ['runs:write:orderToCash', 'runs:read:orderToCash']));
      fanoutEventId = uniqueId('sec-scopes-fanout');
      const started = await admin('POST', '/v1/runs', {
        body: { type: 'notificationFanout', input: fanoutInput(fanoutEventId) },
      });
      expect(started.status, started.text).to.equal(202);
      fanoutId = String(started.body.workflowId);
    });

    it('when it starts an order, then 202 and the run completes, readable with the same key', async () => {
      const order = newOrderInput();
      const reply = await orderKey('POST', '/v1/runs', { body: { type: 'orderToCash', input: order } });
      expect(reply.status, reply.text).to.equal(202);
      const run = await waitForRun<RunSummary>(orderKey, orderWorkflowId(order.orderId));
      expect(run.status).to.equal('COMPLETED');
      const history = await orderKey('GET', `/v1/runs/${orderWorkflowId(order.orderId)}/history?pageSize=1`);
      expect(history.status, history.text).to.equal(200);
      const progress = await orderKey('GET', `/v1/runs/${orderWorkflowId(order.orderId)}/queries/progress`);
      expect(progress.status, progress.text).to.equal(200);
    });

    it('when it starts a notificationFanout, then 403 naming runs:write:notificationFanout and no run exists', async () => {
      const eventId = uniqueId('sec-scopes-refused');
      const reply = await orderKey('POST', '/v1/runs', {
        body: { type: 'notificationFanout', input: fanoutInput(eventId) },
      });
      expectLacks(reply, 'runs:write:notificationFanout');
      expectProblem(await runOf(notificationWorkflowId(eventId)), 404, 'run-not-found');
    });

    it('when it reads, queries, signals, updates or cancels a run of another process, then 403 and the run is untouched', async () => {
      const path = `/v1/runs/${encodeURIComponent(fanoutId)}`;
      expectLacks(await orderKey('GET', path), 'runs:read:notificationFanout');
      expectLacks(await orderKey('GET', `${path}/history`), 'runs:read:notificationFanout');
      expectLacks(await orderKey('GET', `${path}/queries/progress`), 'runs:read:notificationFanout');
      expectLacks(await orderKey('POST', `${path}/signals/anything`, { body: {} }), 'runs:write:notificationFanout');
      expectLacks(await orderKey('POST', `${path}/updates/anything`, { body: {} }), 'runs:write:notificationFanout');
      expectLacks(await orderKey('POST', `${path}/cancel`), 'runs:write:notificationFanout');
      const events = await admin<{ events: { eventType: string }[] }>('GET', `${path}/history?pageSize=1000`);
      expect(events.body.events.map((event) => event.eventType)).not.to.include(
        'EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED',
      );
    });

    it('when it lists runs, then only orderToCash runs are listed; type=notificationFanout is refused', async () => {
      // The admin sees the fan-out run under its business key, so a listing that leaked would show it.
      const seen = await waitForListing(admin, `businessKey=${fanoutEventId}`, (items) =>
        items.some((run) => run.type === 'notificationFanout'),
      );
      // Its child batches (notificationBatch, outside the catalog) carry the business key too.
      expect(seen.map((run) => run.type)).to.include('notificationFanout');
      const order = newOrderInput();
      expect((await orderKey('POST', '/v1/runs', { body: { type: 'orderToCash', input: order } })).status).to.equal(
        202,
      );
      const leaked = await orderKey<{ items: RunSummary[] }>('GET', `/v1/runs?businessKey=${fanoutEventId}`);
      expect(leaked.status, leaked.text).to.equal(200);
      expect(leaked.body.items).to.deep.equal([]);
      const own = await waitForListing(orderKey, `businessKey=${order.orderId}`, (items) => items.length === 1);
      expect(own.map((run) => run.workflowId)).to.deep.equal([orderWorkflowId(order.orderId)]);
      const page = await orderKey<{ items: RunSummary[] }>('GET', '/v1/runs?pageSize=100');
      expect(page.body.items.length).to.be.greaterThan(0);
      expect(new Set(page.body.items.map((run) => run.type))).to.deep.equal(new Set(['orderToCash']));
      expectLacks(await orderKey('GET', '/v1/runs?type=notificationFanout'), 'runs:read:notificationFanout');
    });

    it('when it reads the catalog, then it sees orderToCash only; a key with runs:read sees every process', async () => {
      const limited = await orderKey<{ items: { type: string; infrastructureFields: string[] }[] }>(
        'GET',
        '/v1/workflows',
      );
      expect(limited.body.items.map((entry) => entry.type)).to.deep.equal(['orderToCash']);
      expect(limited.body.items[0]!.infrastructureFields).to.have.members(['connectors', 'invoicing']);
      const everything = await admin<{ items: unknown[] }>('GET', '/v1/workflows');
      expect(everything.body.items).to.have.length(PROCESS_CATALOG.length);
    });
  });

  describe('schedules need the right to start their process', () => {
    let scheduler: KeyedCall;
    let fanoutScheduler: KeyedCall;
    let existingId: string;
    const created: string[] = [];

    const spec = (id: string, subject = 'Scheduled notice') => ({
      id,
      workflow: 'notificationFanout',
      input: fanoutInput(uniqueId('sec-sched'), subject),
      every: '1h',
      paused: true,
    });
    const scheduleOf = (id: string) => admin<ScheduleView>('GET', `/v1/schedules/${id}`);

    before(async () => {
      scheduler = as(await stack.createKey('scheduler', ['schedules:write', 'runs:read', 'runs:write:orderToCash']));
      fanoutScheduler = as(
        await stack.createKey('fanout-scheduler', ['schedules:write', 'runs:read', 'runs:write:notificationFanout']),
      );
      existingId = uniqueId('sec-sched-existing');
      const reply = await admin('POST', '/v1/schedules', { body: spec(existingId) });
      expect(reply.status, reply.text).to.equal(201);
      created.push(existingId);
    });

    after(async () => {
      for (const id of created) await admin('DELETE', `/v1/schedules/${id}`);
    });

    it('when schedules:write without runs:write:notificationFanout creates a fan-out schedule, then 403 and nothing is created', async () => {
      const id = uniqueId('sec-sched-refused');
      expectLacks(await scheduler('POST', '/v1/schedules', { body: spec(id) }), 'runs:write:notificationFanout');
      expectProblem(await admin('GET', `/v1/schedules/${id}`), 404);
    });

    it('when it replaces, unpauses, triggers or backfills a fan-out schedule, then 403 and the schedule neither changes nor starts a run', async () => {
      expectLacks(
        await scheduler('PUT', `/v1/schedules/${existingId}`, { body: spec(existingId, 'Hijacked') }),
        'runs:write:notificationFanout',
      );
      expectLacks(await scheduler('POST', `/v1/schedules/${existingId}/unpause`), 'runs:write:notificationFanout');
      expectLacks(await scheduler('POST', `/v1/schedules/${existingId}/trigger`), 'runs:write:notificationFanout');
      const backfill = { from: new Date(Date.now() - 3 * 3_600_000).toISOString(), to: new Date().toISOString() };
      expectLacks(
        await scheduler('POST', `/v1/schedules/${existingId}/backfill`, { body: backfill }),
        'runs:write:notificationFanout',
      );
      const view = (await scheduleOf(existingId)).body;
      expect(view.spec!.input.subject).to.equal('Scheduled notice');
      expect(view.state.paused).to.equal(true);
      expect(view.info.actionCount).to.equal(0);
      expect(view.info.recentActions).to.deep.equal([]);
    });

    it('when it pauses or deletes a schedule, then schedules:write suffices: neither starts a run', async () => {
      const id = uniqueId('sec-sched-stop');
      expect((await admin('POST', '/v1/schedules', { body: { ...spec(id), paused: false } })).status).to.equal(201);
      const paused = await scheduler('POST', `/v1/schedules/${id}/pause`);
      expect(paused.status, paused.text).to.equal(200);
      const deleted = await scheduler('DELETE', `/v1/schedules/${id}`);
      expect(deleted.status, deleted.text).to.equal(204);
    });

    it('when the key may also start notificationFanout, then create, replace, unpause, trigger and backfill work and the trigger starts a run', async () => {
      const id = uniqueId('sec-sched-allowed');
      const create = await fanoutScheduler('POST', '/v1/schedules', { body: spec(id) });
      expect(create.status, create.text).to.equal(201);
      created.push(id);
      const replace = await fanoutScheduler('PUT', `/v1/schedules/${id}`, { body: spec(id, 'Updated notice') });
      expect(replace.status, replace.text).to.equal(200);
      const trigger = await fanoutScheduler('POST', `/v1/schedules/${id}/trigger`);
      expect(trigger.status, trigger.text).to.equal(202);
      const backfill = await fanoutScheduler('POST', `/v1/schedules/${id}/backfill`, {
        body: { from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date().toISOString() },
      });
      expect(backfill.status, backfill.text).to.equal(202);
      const unpause = await fanoutScheduler('POST', `/v1/schedules/${id}/unpause`);
      expect(unpause.status, unpause.text).to.equal(200);
      const pause = await fanoutScheduler('POST', `/v1/schedules/${id}/pause`);
      expect(pause.status, pause.text).to.equal(200);
      const started = await eventually(
        'a scheduled run started',
        async () => (await scheduleOf(id)).body,
        (view) => view.info.recentActions.length > 0,
      );
      expect(started.info.recentActions.length).to.be.greaterThan(0);
    });

    it('when a key limited to reading orderToCash lists or reads schedules, then fan-out schedules are not shown', async () => {
      const reader = as(await stack.createKey('order-reader', ['runs:read:orderToCash']));
      const listing = await reader<{ items: ScheduleView[] }>('GET', '/v1/schedules?pageSize=100');
      expect(listing.status, listing.text).to.equal(200);
      expect(listing.body.items.filter((item) => item.workflow !== 'orderToCash')).to.deep.equal([]);
      expectLacks(await reader('GET', `/v1/schedules/${existingId}`), 'runs:read:notificationFanout');
    });
  });

  describe("infrastructure fields of a run's input", () => {
    let writer: KeyedCall;
    let operator: KeyedCall;

    before(async () => {
      writer = as(await stack.createKey('shop', ['runs:read', 'runs:write', 'schedules:write']));
      operator = as(await stack.createKey('ops-router', ['runs:read', 'runs:write', 'runs:infrastructure']));
    });

    it('when a runs:write key picks connectors.payment in an order, then 403 naming input.connectors and no run is started', async () => {
      const order = newOrderInput({ connectors: { payment: 'payment.main' } });
      const reply = await writer('POST', '/v1/runs', { body: { type: 'orderToCash', input: order } });
      expectLacks(reply, 'runs:infrastructure');
      expect(reply.body.errors).to.deep.equal([
        { field: 'input.connectors', message: 'chooses infrastructure: needs the "runs:infrastructure" scope' },
      ]);
      expectProblem(await runOf(orderWorkflowId(order.orderId)), 404, 'run-not-found');
    });

    it('when a runs:write key picks the invoicing path, then 403 naming input.invoicing and no run is started', async () => {
      const order = newOrderInput({ invoicing: 'erp-billing-run' });
      const reply = await writer('POST', '/v1/runs', { body: { type: 'orderToCash', input: order } });
      expectLacks(reply, 'runs:infrastructure');
      expect(String(reply.body.detail)).to.contain('input.invoicing');
      expectProblem(await runOf(orderWorkflowId(order.orderId)), 404, 'run-not-found');
    });

    it("when a schedule's input picks connectors without the scope, then 403 and nothing is scheduled", async () => {
      const id = uniqueId('sec-sched-infra');
      const reply = await writer('POST', '/v1/schedules', {
        body: {
          id,
          workflow: 'orderToCash',
          input: newOrderInput({ connectors: { payment: 'payment.main' } }),
          every: '1h',
          paused: true,
        },
      });
      expectLacks(reply, 'runs:infrastructure');
      expectProblem(await admin('GET', `/v1/schedules/${id}`), 404);
    });

    it('when a key holds runs:infrastructure, then the same choices are accepted (202)', async () => {
      const order = newOrderInput({ connectors: { payment: 'payment.main' }, invoicing: 'connector' });
      const reply = await operator('POST', '/v1/runs', { body: { type: 'orderToCash', input: order } });
      expect(reply.status, reply.text).to.equal(202);
      const plain = newOrderInput();
      const ordinary = await writer('POST', '/v1/runs', { body: { type: 'orderToCash', input: plain } });
      expect(ordinary.status, ordinary.text).to.equal(202);
    });
  });
});

async function waitForListing(
  caller: KeyedCall,
  query: string,
  done: (items: RunSummary[]) => boolean,
): Promise<RunSummary[]> {
  return eventually(
    `runs listed for ${query}`,
    async () => (await caller<{ items: RunSummary[] }>('GET', `/v1/runs?${query}`)).body.items,
    done,
  );
}
