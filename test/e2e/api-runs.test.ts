import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { expect } from 'chai';
import winston from 'winston';
import { loadConfig } from '../../config';
import { createApp } from '../../server/api/app';
import { createApiKeysService } from '../../server/auth/api-keys.service';
import { startApiServer, type RunningApiServer } from '../../server/api/server';
import { getLogger, replaceLogger, type Logger } from '../../logging/logger';
import { orderWorkflowId } from '../../workflows/order-to-cash/order-to-cash.types';
import { expectProblem, keyedCall, type Reply } from '../support/api-client';
import { newOrderInput, uniqueId } from '../support/order-fixtures';
import { eventually, eventuallyFound } from '../support/eventually';
import { getDevServer } from '../support/temporal-test-servers';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { terminateRuns } from '../support/temporal-cleanup';

describe('API runs (e2e): POST/GET /v1/runs, cancel, catalog', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let connection: Connection;
  let temporal: Client;
  let server: RunningApiServer;
  let writerKey: string;
  let readerKey: string;
  let adminKey: string;
  let previousLogger: Logger;
  const started = new Set<string>();

  const call = keyedCall(
    () => server.url,
    () => writerKey,
  );

  async function startOrder(input = newOrderInput(), headers: Record<string, string> = {}): Promise<Reply> {
    started.add(orderWorkflowId(input.orderId));
    return call('POST', '/v1/runs', { body: { type: 'orderToCash', input }, headers });
  }

  before(async () => {
    previousLogger = getLogger();
    replaceLogger(winston.createLogger({ silent: true }));
    db = await createTestDatabase('api_runs');
    const temporalServer = await getDevServer();
    connection = await Connection.connect({ address: temporalServer.address });
    temporal = new Client({ connection, namespace: temporalServer.namespace });
    // No worker polls this queue: started runs stay RUNNING, which is all these tests need.
    const config = loadConfig({
      TEMPORAL_NAMESPACE: temporalServer.namespace,
      TEMPORAL_TASK_QUEUE: uniqueId('api-runs'),
    });
    server = await startApiServer(createApp({ config, temporal, models: db.models, timeouts: { queryMs: 300 } }), 0);
    const keys = createApiKeysService({ apiKeys: db.models.ApiKey });
    writerKey = (await keys.createKey({ name: 'shop', scopes: ['runs:read', 'runs:write'] })).key;
    readerKey = (await keys.createKey({ name: 'dashboard', scopes: ['runs:read'] })).key;
    adminKey = (await keys.createKey({ name: 'ops', scopes: ['admin'] })).key;
  });

  after(async () => {
    await terminateRuns(temporal, started);
    await server?.close();
    await connection?.close();
    await db?.destroy();
    replaceLogger(previousLogger);
  });

  describe('POST /v1/runs', () => {
    it('starts the run, answers 202 with ids, links and Location, and the run is visible in Temporal', async () => {
      const input = newOrderInput();
      const reply = await startOrder(input);
      expect(reply.status).to.equal(202);
      const workflowId = orderWorkflowId(input.orderId);
      expect(reply.body).to.include({ workflowId });
      expect(reply.body.runId).to.be.a('string');
      expect(reply.body.links).to.deep.equal({ self: `/v1/runs/${workflowId}` });
      expect(reply.headers.get('location')).to.equal(`/v1/runs/${workflowId}`);
      const description = await temporal.workflow.getHandle(workflowId).describe();
      expect(description.status.name).to.equal('RUNNING');
      expect(description.runId).to.equal(reply.body.runId);
      expect(description.type).to.equal('orderToCash');
    });

    it('is idempotent per business key: a repeated start returns the same run', async () => {
      const input = newOrderInput();
      const first = await startOrder(input, { 'idempotency-key': `order-${input.orderId}` });
      const second = await startOrder(input, { 'idempotency-key': `order-${input.orderId}` });
      expect(second.status).to.equal(202);
      expect(second.body.workflowId).to.equal(first.body.workflowId);
      expect(second.body.runId).to.equal(first.body.runId);
    });

    it('returns the finished run, marked existing, instead of starting the order again', async () => {
      const input = newOrderInput();
      const first = await startOrder(input);
      await temporal.workflow.getHandle(String(first.body.workflowId)).terminate('test: closed run');
      const again = await startOrder(input);
      expect(again.status).to.equal(202);
      expect(again.body).to.include({ workflowId: first.body.workflowId, runId: first.body.runId, existing: true });
    });

    it('starts a rerunnable batch again under its id once the previous run finished, and joins it while it runs', async () => {
      const syncName = uniqueId('sync');
      const body = { type: 'customerSync', input: { syncName } };
      started.add(`customer-sync-${syncName}`);
      const first = await call('POST', '/v1/runs', { body });
      expect(first.status, JSON.stringify(first.body)).to.equal(202);
      const joined = await call('POST', '/v1/runs', { body });
      expect(joined.body.runId).to.equal(first.body.runId);
      await temporal.workflow.getHandle(String(first.body.workflowId)).terminate('test: the first sync ended');
      const next = await call('POST', '/v1/runs', { body });
      expect(next.status).to.equal(202);
      expect(next.body.workflowId).to.equal(first.body.workflowId);
      expect(next.body.runId).to.not.equal(first.body.runId);
      expect(next.body.existing).to.equal(undefined);
    });

    it('names the offending field when the input is invalid, and starts nothing', async () => {
      const input = newOrderInput();
      const badEmail = await startOrder({ ...input, customer: { ...input.customer, email: 'not-an-email' } });
      expectProblem(badEmail, 400);
      expect(badEmail.body.errors).to.deep.include.members([
        { field: 'input.customer.email', message: 'Invalid email address' },
      ]);

      const { lines: _lines, ...withoutLines } = input;
      const noLines = await call('POST', '/v1/runs', { body: { type: 'orderToCash', input: withoutLines } });
      expectProblem(noLines, 400);
      expect((noLines.body.errors as { field: string }[]).map((e) => e.field)).to.deep.equal(['input.lines']);

      const badLine = await startOrder({ ...input, lines: [{ sku: 'SKU-1', quantity: 0, unitAmount: 1 }] });
      expect((badLine.body.errors as { field: string }[]).map((e) => e.field)).to.deep.equal([
        'input.lines[0].quantity',
      ]);

      const error = await temporal.workflow
        .getHandle(orderWorkflowId(input.orderId))
        .describe()
        .catch((e: unknown) => e);
      expect(error).to.be.instanceOf(WorkflowNotFoundError);
    });

    it('refuses a businessKey that disagrees with the input and a body without a type', async () => {
      const input = newOrderInput();
      const mismatch = await call('POST', '/v1/runs', {
        body: { type: 'orderToCash', input, businessKey: 'someone-else' },
      });
      expectProblem(mismatch, 400);
      expect((mismatch.body.errors as { field: string }[])[0]!.field).to.equal('businessKey');
      const noType = await call('POST', '/v1/runs', { body: { input } });
      expectProblem(noType, 400);
      expect((noType.body.errors as { field: string }[])[0]!.field).to.equal('type');
    });

    it('answers an unknown workflow type with 404', async () => {
      const reply = await call('POST', '/v1/runs', { body: { type: 'launchRockets', input: {} } });
      expectProblem(reply, 404);
      expect(reply.body.type).to.equal('/problems/unknown-workflow-type');
    });

    it('answers 403 to a key without runs:write', async () => {
      expectProblem(
        await call('POST', '/v1/runs', { key: readerKey, body: { type: 'orderToCash', input: newOrderInput() } }),
        403,
      );
    });

    it('audits a successful start with the workflow id as target', async () => {
      const reply = await startOrder();
      const requestId = reply.headers.get('x-request-id')!;
      const row = await eventuallyFound('the audit row', () => db.models.AuditEntry.findOne({ where: { requestId } }), {
        timeoutMs: 3000,
      });
      expect(row.toJSON()).to.include({
        action: 'runs.start',
        target: reply.body.workflowId,
        outcome: 'success',
        statusCode: 202,
      });
    });

    it('answers 503 when Temporal is unreachable, without hanging', async () => {
      const dead = Connection.lazy({ address: '127.0.0.1:1' });
      const app = createApp({
        config: loadConfig({}),
        temporal: new Client({ connection: dead }),
        models: db.models,
        timeouts: { rpcMs: 500 },
      });
      const offline = await startApiServer(app, 0);
      try {
        const response = await fetch(`${offline.url}/v1/runs`, {
          method: 'POST',
          headers: { authorization: `Bearer ${writerKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'orderToCash', input: newOrderInput() }),
        });
        expect(response.status).to.equal(503);
        expect(response.headers.get('content-type')).to.match(/^application\/problem\+json/);
      } finally {
        await offline.close();
        await dead.close();
      }
    });
  });

  describe('GET /v1/runs/:workflowId', () => {
    it('describes a running run with its search attributes; progress is null without a worker', async () => {
      const input = newOrderInput();
      const startedReply = await startOrder(input);
      const reply = await call('GET', `/v1/runs/${orderWorkflowId(input.orderId)}`, { key: readerKey });
      expect(reply.status).to.equal(200);
      expect(reply.body).to.include({
        workflowId: orderWorkflowId(input.orderId),
        runId: startedReply.body.runId,
        type: 'orderToCash',
        status: 'RUNNING',
        closeTime: null,
        progress: null,
      });
      expect(reply.body.searchAttributes).to.include({
        BusinessKey: input.orderId,
        CustomerEmail: input.customer.email,
        OrderTotal: 44.98,
      });
      expect(Date.parse(String(reply.body.startTime))).to.be.closeTo(Date.now(), 60_000);
    });

    it('shows a terminated run as TERMINATED with its close time', async () => {
      const input = newOrderInput();
      await startOrder(input);
      await temporal.workflow.getHandle(orderWorkflowId(input.orderId)).terminate('test');
      const reply = await call('GET', `/v1/runs/${orderWorkflowId(input.orderId)}`);
      expect(reply.body.status).to.equal('TERMINATED');
      expect(reply.body.closeTime).to.be.a('string');
    });

    it('answers an unknown run with 404', async () => {
      expectProblem(await call('GET', `/v1/runs/${uniqueId('order-missing')}`), 404);
    });
  });

  describe('GET /v1/runs', () => {
    it('lists runs filtered by type and business key', async () => {
      const input = newOrderInput();
      await startOrder(input);
      const reply = await eventually(
        'the run listed by its business key',
        () =>
          call('GET', `/v1/runs?type=orderToCash&businessKey=${encodeURIComponent(input.orderId)}`, { key: readerKey }),
        (r) => (r.body.items as unknown[] | undefined)?.length === 1,
      );
      expect(reply.status).to.equal(200);
      const items = reply.body.items as Record<string, unknown>[];
      expect(items).to.have.length(1);
      expect(items[0]).to.include({
        workflowId: orderWorkflowId(input.orderId),
        type: 'orderToCash',
        status: 'RUNNING',
      });
      expect(reply.body.nextPageToken).to.equal(null);
    });

    it('filters by status and pages with nextPageToken', async () => {
      const a = newOrderInput();
      const b = newOrderInput();
      await startOrder(a);
      await startOrder(b);
      const ids = [orderWorkflowId(a.orderId), orderWorkflowId(b.orderId)];
      const listed = async (query: string) => {
        const reply = await call('GET', `/v1/runs?${query}`);
        return (reply.body.items as { workflowId: string }[]).map((item) => item.workflowId);
      };
      await eventually(
        'every run listed as running',
        () => listed('status=RUNNING&pageSize=100'),
        (found) => ids.every((id) => found.includes(id)),
      );

      const seen: string[] = [];
      let token: string | null = null;
      // Running runs list newest first, so ours come within the first pages even on a shared server.
      for (let page = 0; page < 20 && !ids.every((id) => seen.includes(id)); page++) {
        const reply: Reply = await call(
          'GET',
          `/v1/runs?status=RUNNING&pageSize=1${token ? `&pageToken=${token}` : ''}`,
        );
        expect(reply.status).to.equal(200);
        const items = reply.body.items as { workflowId: string }[];
        expect(items.length).to.be.at.most(1);
        seen.push(...items.map((item) => item.workflowId));
        token = reply.body.nextPageToken as string | null;
        if (!token) break;
      }
      expect(seen).to.include.members(ids);
      const firstPage = await call('GET', '/v1/runs?status=RUNNING&pageSize=1');
      const otherFilters = await call(
        'GET',
        `/v1/runs?status=COMPLETED&pageSize=1&pageToken=${String(firstPage.body.nextPageToken)}`,
      );
      expectProblem(otherFilters, 400);
      expect(await listed(`status=TERMINATED&businessKey=${encodeURIComponent(a.orderId)}`)).to.deep.equal([]);
    });

    it('treats quotes in a business key as data, not query syntax', async () => {
      const reply = await call(
        'GET',
        `/v1/runs?businessKey=${encodeURIComponent("x' OR WorkflowType = 'orderToCash")}`,
      );
      expect(reply.status).to.equal(200);
      expect(reply.body.items).to.deep.equal([]);
    });

    it('filters by start time, and lets an admin add a raw visibility query', async () => {
      const before = new Date(Date.now() - 1000).toISOString();
      const input = newOrderInput();
      await startOrder(input);
      const key = `businessKey=${encodeURIComponent(input.orderId)}`;
      const found = await eventually(
        'the run listed as started after',
        () => call('GET', `/v1/runs?${key}&startedAfter=${before}`),
        (r) => (r.body.items as unknown[]).length === 1,
      );
      expect((found.body.items as { workflowId: string }[])[0]?.workflowId).to.equal(orderWorkflowId(input.orderId));
      expect((await call('GET', `/v1/runs?${key}&startedBefore=${before}`)).body.items).to.deep.equal([]);
      expect(
        (
          await call(
            'GET',
            `/v1/runs?${key}&startedAfter=${encodeURIComponent('2026-01-01T00:00:00+01:00')}&startedBefore=${new Date(Date.now() + 60_000).toISOString()}`,
          )
        ).body.items,
      ).to.have.length(1);
      expectProblem(await call('GET', '/v1/runs?startedAfter=yesterday'), 400);

      const raw = `query=${encodeURIComponent(`CustomerEmail = '${input.customer.email}'`)}`;
      const forbidden = await call('GET', `/v1/runs?${raw}`);
      expectProblem(forbidden, 403);
      const byAdmin = await eventually(
        'the run listed by a raw query',
        () => call('GET', `/v1/runs?${raw}`, { key: adminKey }),
        (r) => (r.body.items as unknown[] | undefined)?.length === 1,
      );
      expect((byAdmin.body.items as { workflowId: string }[])[0]?.workflowId).to.equal(orderWorkflowId(input.orderId));
      const malformed = await call('GET', `/v1/runs?query=${encodeURIComponent('WorkflowType = ')}`, { key: adminKey });
      expectProblem(malformed, 400);
      expect((malformed.body.errors as { field: string }[])[0]?.field).to.equal('query');
    });

    it('refuses an unknown type, an unknown status, a bad page size and a forged page token', async () => {
      for (const query of [
        'type=launchRockets',
        'status=SLEEPING',
        'pageSize=0',
        'pageSize=1000',
        'pageToken=%27%3B',
        'pageToken=abcd',
        `pageToken=${Buffer.from('{"RunID":"x"}').toString('base64url')}`,
      ]) {
        const reply = await call('GET', `/v1/runs?${query}`);
        expectProblem(reply, 400);
        expect((reply.body.errors as unknown[]).length, query).to.be.greaterThan(0);
      }
    });
  });

  describe('GET /v1/runs/:workflowId/history', () => {
    it("pages through the run's events in Temporal's JSON form", async () => {
      const input = newOrderInput();
      await startOrder(input);
      const workflowId = orderWorkflowId(input.orderId);
      await temporal.workflow.getHandle(workflowId).terminate('test: a closed history');
      const all = await call('GET', `/v1/runs/${workflowId}/history`, { key: readerKey });
      expect(all.status).to.equal(200);
      const events = all.body.events as { eventId: string; eventType: string }[];
      expect(events[0]?.eventType).to.equal('EVENT_TYPE_WORKFLOW_EXECUTION_STARTED');
      expect(events.at(-1)?.eventType).to.equal('EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED');
      // Temporal never splits an event batch, so a page may hold a little more than pageSize.
      const first = await call('GET', `/v1/runs/${workflowId}/history?pageSize=1`);
      expect((first.body.events as unknown[]).length).to.be.lessThan(events.length);
      expect(first.body.nextPageToken).to.be.a('string');
      const paged: string[] = [];
      let token: string | null = null;
      do {
        const page: Reply = await call(
          'GET',
          `/v1/runs/${workflowId}/history?pageSize=1${token ? `&pageToken=${token}` : ''}`,
        );
        paged.push(...(page.body.events as { eventId: string }[]).map((event) => event.eventId));
        token = page.body.nextPageToken as string | null;
      } while (token && paged.length <= events.length);
      expect(paged).to.deep.equal(events.map((event) => event.eventId));
      const otherRun = await call(
        'GET',
        `/v1/runs/${uniqueId('order-x')}/history?pageToken=${String(first.body.nextPageToken)}`,
      );
      expectProblem(otherRun, 400);
      expectProblem(await call('GET', `/v1/runs/${uniqueId('order-missing')}/history`), 404);
    });
  });

  describe('POST /v1/runs/:workflowId/terminate', () => {
    it('terminates a running run for an admin with a reason, and refuses others', async () => {
      const input = newOrderInput();
      await startOrder(input);
      const workflowId = orderWorkflowId(input.orderId);
      expectProblem(await call('POST', `/v1/runs/${workflowId}/terminate`, { body: { reason: 'x' } }), 403);
      const noReason = await call('POST', `/v1/runs/${workflowId}/terminate`, { key: adminKey, body: {} });
      expectProblem(noReason, 400);
      expect((noReason.body.errors as { field: string }[])[0]?.field).to.equal('reason');
      const done = await call('POST', `/v1/runs/${workflowId}/terminate`, {
        key: adminKey,
        body: { reason: 'ticket OPS-42' },
      });
      expect(done.status).to.equal(202);
      expect(done.body).to.deep.equal({ workflowId, status: 'terminated' });
      const description = await temporal.workflow.getHandle(workflowId).describe();
      expect(description.status.name).to.equal('TERMINATED');
      expectProblem(
        await call('POST', `/v1/runs/${workflowId}/terminate`, { key: adminKey, body: { reason: 'again' } }),
        409,
      );
      expectProblem(
        await call('POST', `/v1/runs/${uniqueId('order-missing')}/terminate`, { key: adminKey, body: { reason: 'x' } }),
        404,
      );
    });
  });

  describe('POST /v1/runs/:workflowId/cancel', () => {
    it('requests cancellation of a running run with 202, then answers 409 once it is closed', async () => {
      const input = newOrderInput();
      await startOrder(input);
      const workflowId = orderWorkflowId(input.orderId);
      const reply = await call('POST', `/v1/runs/${workflowId}/cancel`);
      expect(reply.status).to.equal(202);
      expect(reply.body).to.deep.equal({ workflowId, status: 'cancel_requested' });

      await temporal.workflow.getHandle(workflowId).terminate('test: close it');
      expectProblem(await call('POST', `/v1/runs/${workflowId}/cancel`), 409);
    });

    it('answers 404 for an unknown run and 403 for a read-only key', async () => {
      expectProblem(await call('POST', `/v1/runs/${uniqueId('order-missing')}/cancel`), 404);
      expectProblem(await call('POST', `/v1/runs/${uniqueId('order-missing')}/cancel`, { key: readerKey }), 403);
    });
  });

  describe('GET /v1/workflows', () => {
    it('serves the catalog with each input as JSON Schema', async () => {
      const reply = await call('GET', '/v1/workflows', { key: readerKey });
      expect(reply.status).to.equal(200);
      const orderToCash = (reply.body.items as Record<string, unknown>[]).find((item) => item.type === 'orderToCash');
      expect(orderToCash).to.include.keys('description', 'inputSchema', 'queries', 'signals', 'updates');
      expect((orderToCash!.queries as { name: string }[]).map((query) => query.name)).to.include('progress');
      const schema = orderToCash!.inputSchema as { type: string; required: string[] };
      expect(schema.type).to.equal('object');
      expect(schema.required).to.include.members(['orderId', 'customer', 'lines']);
    });
  });
});
