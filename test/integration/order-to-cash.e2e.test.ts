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
import type { OrderToCashInput } from '../../workflows/order-to-cash/order-to-cash.types';
import { newOrderInput, uniqueId } from '../support/order-fixtures';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { getDevServer } from '../support/temporal-test-servers';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

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
  let db: TestDatabase;
  let smtp: SmtpSink;
  let registry: ConnectorRegistry;
  let worker: JunctionWorker;
  let api: RunningApiServer;
  let connection: Connection;
  let key: string;

  before(async function () {
    let bundle: WorkflowBundle;
    let temporalServer: { address: string; namespace: string };
    [db, smtp, bundle, temporalServer] = await Promise.all([createTestDatabase('o2c_e2e'), startSmtpSink(), bundleWorkflows(), getDevServer()]);
    const config: Config = loadConfig(
      {
        TEMPORAL_ADDRESS: temporalServer.address,
        TEMPORAL_NAMESPACE: temporalServer.namespace,
        TEMPORAL_TASK_QUEUE: uniqueId('o2c-e2e'),
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
    api = await startApiServer(createApp({ config, temporal: new Client({ connection, namespace: temporalServer.namespace }), models: db.models }), 0);
    key = (await createApiKeysService({ apiKeys: db.models.ApiKey }).createKey({ name: 'shop', scopes: ['runs:read', 'runs:write'] })).key;
  });

  after(async function () {
    await api?.close();
    await worker?.shutdown();
    await connection?.close();
    await registry?.close();
    await smtp?.close();
    await db?.destroy();
  });

  async function post(input: OrderToCashInput): Promise<{ status: number; body: { workflowId: string; runId: string } }> {
    const response = await fetch(`${api.url}/v1/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'orderToCash', input }),
    });
    return { status: response.status, body: (await response.json()) as { workflowId: string; runId: string } };
  }

  async function waitForClose(workflowId: string): Promise<RunView> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const response = await fetch(`${api.url}/v1/runs/${workflowId}`, { headers: { authorization: `Bearer ${key}` } });
      expect(response.status).to.equal(200);
      const view = (await response.json()) as RunView;
      if (view.status !== 'RUNNING') return view;
      if (Date.now() > deadline) throw new Error(`${workflowId} still running after 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  it('when a shop posts an order, then it completes, is searchable and the customer gets a confirmation with the order details', async () => {
    const input = newOrderInput();
    const started = await post(input);
    expect(started.status).to.equal(202);
    expect(started.body.workflowId).to.equal(`order-${input.orderId}`);

    const run = await waitForClose(started.body.workflowId);
    expect(run.status).to.equal('COMPLETED');
    expect(run.progress?.status).to.equal('COMPLETED');
    expect(run.progress?.stepsDone).to.have.length(7);
    expect(run.searchAttributes).to.include({ BusinessKey: input.orderId, CustomerEmail: input.customer.email, OrderTotal: 44.98, ProcessStatus: 'COMPLETED' });

    const mail = await smtp.waitFor((m) => m.subject === `Your order ${input.orderId} is confirmed`);
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').to.contain(input.customer.email);
    expect(mail.text).to.contain(input.orderId).and.contain('2 x SKU-1').and.contain('1 x SKU-2').and.contain('€44.98');
    expect(mail.messageId).to.equal(run.result?.confirmationMessageId);
  });

  it('when the same order is posted again during and after its run, then there is one run, one sales order, one capture and one email', async () => {
    const [ordersBefore, paymentsBefore] = await Promise.all([
      countSandboxRecords(db.models, 'erp.main', 'salesOrders'),
      countSandboxRecords(db.models, 'payment.main', 'payments'),
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

    await smtp.waitFor((m) => m.subject === `Your order ${input.orderId} is confirmed`);
    await new Promise((resolve) => setTimeout(resolve, 500)); // a duplicate would arrive within this
    expect(smtp.messages.filter((m) => m.subject === `Your order ${input.orderId} is confirmed`)).to.have.length(1);
    expect(await countSandboxRecords(db.models, 'erp.main', 'salesOrders')).to.equal(ordersBefore + 1);
    expect(await countSandboxRecords(db.models, 'payment.main', 'payments')).to.equal(paymentsBefore + 1);
    const payment = await db.models.SandboxRecord.findOne({ where: { id: run.result?.paymentId ?? '' } });
    expect(payment?.data).to.include({ status: 'captured', capturedAmount: 4498 });
  });

  it('when the card is declined, then the API shows the failure and the compensations, and the customer is told', async () => {
    const input = newOrderInput({ payment: { token: 'tok_declined' } });
    const started = await post(input);
    const run = await waitForClose(started.body.workflowId);
    expect(run.status).to.equal('FAILED');
    expect(run.failure?.message).to.contain('authorizePayment');
    expect(run.searchAttributes).to.include({ ProcessStatus: 'FAILED' });
    expect(run.progress?.compensations.map((c) => `${c.step}:${c.outcome}`)).to.deep.equal(['cancelSalesOrder:done', 'notifyCustomer:done']);
    const mail = await smtp.waitFor((m) => m.subject === `Your order ${input.orderId} could not be completed`);
    expect(mail.text).to.contain('declined');
  });
});
