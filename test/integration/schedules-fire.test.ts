import { Client, Connection } from '@temporalio/client';
import type { WorkflowBundle } from '@temporalio/worker';
import { expect } from 'chai';
import { createActivities } from '../../activities';
import { loadConfig, type Config } from '../../config';
import { createDefaultRegistry, type ConnectorRegistry } from '../../connectors/registry';
import { countSandboxRecords } from '../../connectors/sandbox/sandbox-admin';
import { createApp } from '../../server/api/app';
import { createApiKeysService } from '../../server/api/keys/api-keys.service';
import { startApiServer, type RunningApiServer } from '../../server/api/server';
import { bundleWorkflows, createJunctionWorker, type JunctionWorker } from '../../server/worker/worker';
import { newOrderInput, uniqueId } from '../support/order-fixtures';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { getDevServer } from '../support/temporal-test-servers';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

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
  let db: TestDatabase;
  let smtp: SmtpSink;
  let registry: ConnectorRegistry;
  let worker: JunctionWorker;
  let api: RunningApiServer;
  let connection: Connection;
  let temporal: Client;
  let key: string;
  const schedules: string[] = [];
  const runs: string[] = [];

  async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(api.url + path, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
  }

  async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  before(async function () {
    let bundle: WorkflowBundle;
    let temporalServer: { address: string; namespace: string };
    [db, smtp, bundle, temporalServer] = await Promise.all([createTestDatabase('sched_fire'), startSmtpSink(), bundleWorkflows(), getDevServer()]);
    const config: Config = loadConfig(
      {
        TEMPORAL_ADDRESS: temporalServer.address,
        TEMPORAL_NAMESPACE: temporalServer.namespace,
        TEMPORAL_TASK_QUEUE: uniqueId('sched-fire'),
        DATABASE_URL: db.url,
        SMTP_URL: smtp.url,
        LOG_LEVEL: 'error',
      },
      false,
    );
    registry = createDefaultRegistry({ config, models: db.models });
    worker = await createJunctionWorker(
      { address: temporalServer.address, namespace: temporalServer.namespace, taskQueue: config.temporal.taskQueue, shutdownGraceSeconds: 5, workflowBundle: bundle },
      createActivities({ connectors: registry }),
    );
    void worker.run();
    connection = await Connection.connect({ address: temporalServer.address });
    temporal = new Client({ connection, namespace: temporalServer.namespace });
    api = await startApiServer(createApp({ config, temporal, models: db.models }), 0);
    key = (await createApiKeysService({ apiKeys: db.models.ApiKey }).createKey({ name: 'ops', scopes: ['runs:read', 'schedules:write'] })).key;
  });

  after(async function () {
    await Promise.all(schedules.map((id) => temporal.schedule.getHandle(id).delete().catch(() => undefined)));
    await Promise.all(runs.map((id) => temporal.workflow.getHandle(id).terminate('test cleanup').catch(() => undefined)));
    await api?.close();
    await worker?.shutdown();
    await connection?.close();
    await registry?.close();
    await smtp?.close();
    await db?.destroy();
  });

  it('when an interval schedule comes due, then it starts its workflow by itself, and the run completes with its effects', async () => {
    const id = uniqueId('every-2s');
    const input = newOrderInput();
    const ordersBefore = await countSandboxRecords(db.models, 'erp.main', 'salesOrders');
    schedules.push(id);
    const created = await call('POST', '/v1/schedules', { id, workflow: 'orderToCash', input, every: '2s' });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);

    // Nobody triggers it: the first action is the schedule's own, due within two seconds.
    const fired = await waitFor(() => call<ScheduleView>('GET', `/v1/schedules/${id}`), (reply) => reply.body.info.recentActions.length > 0, 'the first scheduled action');
    // One firing is enough for the test; stop it before it places more orders.
    expect((await call('DELETE', `/v1/schedules/${id}`)).status).to.equal(204);
    const actions = fired.body.info.recentActions;
    runs.push(...actions.map((action) => action.workflowId));
    const first = actions[0]!;
    expect(first.workflowId).to.equal(`schedule-${id}-${new Date(first.scheduledAt).toISOString().replace('.000Z', 'Z')}`);
    expect(new Date(first.scheduledAt).getTime() % 2_000).to.equal(0);

    const run = await waitFor(
      () => call<RunView>('GET', `/v1/runs/${encodeURIComponent(first.workflowId)}`),
      (reply) => reply.status === 200 && reply.body.status !== 'RUNNING',
      `run ${first.workflowId} to close`,
    );
    expect(run.body).to.include({ workflowId: first.workflowId, runId: first.runId, status: 'COMPLETED' });
    expect(run.body.searchAttributes).to.include({ BusinessKey: input.orderId, ProcessStatus: 'COMPLETED' });
    const mail = await smtp.waitFor((m) => m.subject === `Your order ${input.orderId} is confirmed`);
    expect(mail.messageId).to.equal(run.body.result?.confirmationMessageId);
    expect(await countSandboxRecords(db.models, 'erp.main', 'salesOrders')).to.be.at.least(ordersBefore + 1);
  });
});
