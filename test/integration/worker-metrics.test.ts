/**
 * The worker's Temporal SDK metrics (WORKER_METRICS_PORT), from a real `server/main.ts worker`
 * process. It has to be a process of its own: the SDK Runtime (which owns the metrics exporter)
 * is installed once per process, and this test process installed its own without metrics in the
 * root hooks.
 */
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { expect } from 'chai';
import { findFreePort, portAcceptsConnections } from '../../scripts/dev-stack/ports';
import { REPO_ROOT } from '../../scripts/tool-paths';
import { newOrderInput, uniqueId } from '../support/order-fixtures';
import { startRoleProcess, type RoleProcess } from '../support/role-process';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { getDevServer } from '../support/temporal-test-servers';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Lines of one metric family that carry every given label. */
function samples(exposition: string, name: string, labels: Record<string, string>): string[] {
  return exposition
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .filter((line) => Object.entries(labels).every(([label, value]) => line.includes(`${label}="${value}"`)));
}

const valueOf = (line: string) => Number(line.slice(line.lastIndexOf(' ') + 1));

describe('worker metrics: the Temporal SDK metrics of a worker process (WORKER_METRICS_PORT)', function () {
  this.timeout(240_000);
  let db: TestDatabase;
  let smtp: SmtpSink;
  let connection: Connection;
  let client: Client;
  let worker: RoleProcess | undefined;
  let metricsPort: number;
  let taskQueue: string;

  before(async function () {
    const [database, sink, temporalServer, port] = await Promise.all([
      createTestDatabase('worker_metrics'),
      startSmtpSink(),
      getDevServer(),
      findFreePort(),
    ]);
    db = database;
    smtp = sink;
    metricsPort = port;
    taskQueue = uniqueId('worker-metrics');
    const logFile = join(REPO_ROOT, '.data', 'test', `${taskQueue}.log`);
    worker = startRoleProcess(
      'worker',
      'worker-metrics-worker',
      {
        LOG_LEVEL: 'info',
        TEMPORAL_ADDRESS: temporalServer.address,
        TEMPORAL_NAMESPACE: temporalServer.namespace,
        TEMPORAL_TASK_QUEUE: taskQueue,
        DATABASE_URL: db.url,
        SMTP_URL: smtp.url,
        WORKER_METRICS_PORT: String(metricsPort),
        WORKER_METRICS_HOST: '127.0.0.1',
      },
      logFile,
    );
    connection = await Connection.connect({ address: temporalServer.address });
    client = new Client({ connection, namespace: temporalServer.namespace });
    await worker.ready(180_000);
  });

  after(async function () {
    await worker?.stop(15_000);
    await connection?.close();
    await smtp?.close();
    await db?.destroy();
  });

  it('serves temporal_* metrics in the Prometheus format, with the outcome of a workflow it ran', async () => {
    const handle = await client.workflow.start('orderToCash', {
      taskQueue,
      workflowId: uniqueId('order-metrics'),
      args: [newOrderInput()],
    });
    await handle.result();

    // The exporter publishes what the worker recorded; give its collection a moment to catch up.
    let exposition = '';
    for (let attempt = 0; attempt < 20; attempt++) {
      const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-type')).to.match(/^text\/plain/);
      exposition = await response.text();
      if (
        samples(exposition, 'temporal_workflow_completed', { workflow_type: 'orderToCash', task_queue: taskQueue })
          .length > 0
      )
        break;
      await sleep(500);
    }
    const completed = samples(exposition, 'temporal_workflow_completed', {
      workflow_type: 'orderToCash',
      task_queue: taskQueue,
    });
    expect(completed, exposition.slice(0, 2_000)).to.have.length(1);
    expect(valueOf(completed[0]!)).to.equal(1);

    // Activities ran on this worker and were timed, by activity type.
    const activityLatency = samples(exposition, 'temporal_activity_execution_latency_count', {
      task_queue: taskQueue,
      workflow_type: 'orderToCash',
    });
    expect(activityLatency.length).to.be.at.least(3);
    expect(activityLatency.every((line) => valueOf(line) >= 1)).to.equal(true);
    // The worker's own capacity gauges and the SDK's gRPC requests are there too.
    expect(
      samples(exposition, 'temporal_worker_task_slots_available', { task_queue: taskQueue }).length,
    ).to.be.at.least(1);
    expect(samples(exposition, 'temporal_request', { namespace: 'default' }).length).to.be.at.least(1);
  });

  it('listens only on the configured interface (WORKER_METRICS_HOST)', async () => {
    expect(await portAcceptsConnections(metricsPort, '127.0.0.1')).to.equal(true);
    // Another loopback address of this machine: bound to 127.0.0.1 only, the port is closed there.
    expect(await portAcceptsConnections(metricsPort, '127.0.0.2')).to.equal(false);
  });
});
