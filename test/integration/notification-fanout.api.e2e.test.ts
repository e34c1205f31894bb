import { Client, Connection } from '@temporalio/client';
import type { WorkflowBundle } from '@temporalio/worker';
import { expect } from 'chai';
import { createActivities } from '../../activities';
import { loadConfig, type Config } from '../../config';
import { createDefaultRegistry, type ConnectorRegistry } from '../../connectors/registry';
import { createApp } from '../../server/api/app';
import { createApiKeysService } from '../../server/api/keys/api-keys.service';
import { startApiServer, type RunningApiServer } from '../../server/api/server';
import { bundleWorkflows, createJunctionWorker, type JunctionWorker } from '../../server/worker/worker';
import { notificationWorkflowId, type NotificationFanoutResult } from '../../workflows/notification-fanout/notification-fanout.types';
import type { Progress } from '../../workflows/shared/progress';
import { uniqueId } from '../support/order-fixtures';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { getDevServer } from '../support/temporal-test-servers';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

interface RunView {
  workflowId: string;
  status: string;
  searchAttributes: Record<string, unknown>;
  progress: Progress | null;
  result?: NotificationFanoutResult;
}

describe('notificationFanout end to end: API → Temporal dev server → worker → child workflows → SMTP', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let smtp: SmtpSink;
  let registry: ConnectorRegistry;
  let worker: JunctionWorker;
  let api: RunningApiServer;
  let connection: Connection;
  let temporal: Client;
  let key: string;

  before(async function () {
    let bundle: WorkflowBundle;
    let temporalServer: { address: string; namespace: string };
    [db, smtp, bundle, temporalServer] = await Promise.all([createTestDatabase('fanout_e2e'), startSmtpSink({ rejectRecipients: /^reject-/ }), bundleWorkflows(), getDevServer()]);
    const config: Config = loadConfig(
      {
        TEMPORAL_ADDRESS: temporalServer.address,
        TEMPORAL_NAMESPACE: temporalServer.namespace,
        TEMPORAL_TASK_QUEUE: uniqueId('fanout-e2e'),
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
    key = (await createApiKeysService({ apiKeys: db.models.ApiKey }).createKey({ name: 'notifier', scopes: ['runs:read', 'runs:write'] })).key;
  });

  after(async function () {
    await api?.close();
    await worker?.shutdown();
    await connection?.close();
    await registry?.close();
    await smtp?.close();
    await db?.destroy();
  });

  async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(api.url + path, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
  }

  async function closedRun(workflowId: string): Promise<RunView> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const reply = await call<RunView>('GET', `/v1/runs/${encodeURIComponent(workflowId)}`);
      if (reply.status === 200 && reply.body.status !== 'RUNNING') return reply.body;
      if (Date.now() > deadline) throw new Error(`run ${workflowId} still ${reply.body.status}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  it('when a business system notifies 300 recipients of an event, then the run answers { sent, failed } and a repeated POST is the same run', async () => {
    const eventId = uniqueId('price-change');
    const recipients = Array.from({ length: 300 }, (_, i) => ({ email: `${i % 100 === 7 ? 'reject' : 'user'}-${i}@${eventId.toLowerCase()}.example` }));
    const input = { eventId, subject: `Prices change (${eventId})`, text: 'Our prices change on the first of the month.', recipients, batchSize: 50, ratePerSecond: 200, concurrency: 6 };
    const first = await call<{ workflowId: string; runId: string }>('POST', '/v1/runs', { type: 'notificationFanout', input });
    expect(first.status, JSON.stringify(first.body)).to.equal(202);
    expect(first.body.workflowId).to.equal(notificationWorkflowId(eventId));
    // While the first is running, the API answers with that run (conflict policy USE_EXISTING).
    const again = await call<{ workflowId: string; runId: string }>('POST', '/v1/runs', { type: 'notificationFanout', input });
    expect(again.body).to.include({ workflowId: first.body.workflowId, runId: first.body.runId });

    const run = await closedRun(first.body.workflowId);
    expect(run.status).to.equal('COMPLETED');
    expect(run.result).to.include({ recipients: 300, batches: 6, sent: 297, failedCount: 3 });
    expect(run.result?.failed.map((f) => f.email)).to.deep.equal([7, 107, 207].map((i) => `reject-${i}@${eventId.toLowerCase()}.example`));
    expect(run.progress?.details).to.include({ sent: 297, failedCount: 3, batchesDone: 6 });
    expect(run.searchAttributes).to.include({ BusinessKey: eventId, ProcessStatus: 'COMPLETED' });
    expect(smtp.messages.filter((m) => m.subject === `Prices change (${eventId})`)).to.have.length(297);
  });
});
