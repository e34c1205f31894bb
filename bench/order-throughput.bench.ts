/**
 * `npm run bench [-- --runs 200 --concurrency 20]`
 *
 * N orderToCash runs through the admin API (sandbox connectors in MariaDB, email to a local SMTP
 * server) against N bare Temporal workflows started with the plain client that run as many
 * no-op activities (8) as orderToCash's happy path — same dev server, same run, interleaved in
 * rounds so that machine noise hits both. Latency is start request → workflow completed.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { createActivities } from '../activities';
import { loadApprovalPolicies } from '../server/approvals/approval-policies-file';
import { loadConfig } from '../config';
import { createDefaultRegistry } from '../connectors/registry';
import { createApp } from '../server/api/app';
import { createApiKeysService } from '../server/auth/api-keys.service';
import { startApiServer } from '../server/api/server';
import { configureLogger } from '../logging/logger';
import { installTemporalRuntime } from '../server/temporal/runtime';
import { bundleWorkflows, bundlerLogger, createJunctionWorker } from '../server/worker/worker';
import { newOrderInput, uniqueId } from '../test/support/order-fixtures';
import { startSmtpSink } from '../test/support/smtp-sink';
import { getDevServer, stopDevServer } from '../test/support/temporal-test-servers';
import { createTestDatabase } from '../test/support/test-database';
import { baselineActivities } from './baseline/baseline.activities';
import { parseRunOptions, runConcurrently, summarize, type RunStats } from './latency-stats';
import { registryDeps } from '../server/connectors/registry-deps';

const ORDER_TO_CASH_ACTIVITIES = 8;
const ROUNDS = 2;

async function main(): Promise<void> {
  const { runs, concurrency } = parseRunOptions(ROUNDS);
  configureLogger({ level: 'error', format: 'json' });
  installTemporalRuntime('error');

  const [server, db, smtp, junctionBundle, baselineBundle] = await Promise.all([
    getDevServer(),
    createTestDatabase('bench'),
    startSmtpSink(),
    bundleWorkflows(),
    bundleWorkflowCode({ workflowsPath: require.resolve('./baseline/baseline.workflow'), logger: bundlerLogger() }),
  ]);
  const config = loadConfig(
    {
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: server.namespace,
      TEMPORAL_TASK_QUEUE: uniqueId('bench-junction'),
      DATABASE_URL: db.url,
      SMTP_URL: smtp.url,
      LOG_LEVEL: 'error',
    },
    false,
  );
  const baselineQueue = uniqueId('bench-baseline');
  const registry = createDefaultRegistry(registryDeps(config, db.models));
  const junctionWorker = await createJunctionWorker(
    {
      address: server.address,
      namespace: server.namespace,
      taskQueue: config.temporal.taskQueue,
      shutdownGraceSeconds: 5,
      workflowBundle: junctionBundle,
    },
    createActivities({
      connectors: registry,
      approvalPolicies: await loadApprovalPolicies(config.approvalPoliciesFile),
    }),
  );
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: server.namespace });
  const baselineConnection = await NativeConnection.connect({ address: server.address });
  const baselineWorker = await Worker.create({
    connection: baselineConnection,
    namespace: server.namespace,
    taskQueue: baselineQueue,
    workflowBundle: baselineBundle,
    activities: baselineActivities,
  });
  const api = await startApiServer(createApp({ config, temporal: client, models: db.models }), 0);
  const key = (
    await createApiKeysService({ apiKeys: db.models.ApiKey }).createKey({
      name: 'bench',
      scopes: ['runs:write', 'runs:read'],
    })
  ).key;
  const junctionRunning = junctionWorker.run();
  const baselineRunning = baselineWorker.run();

  const baselineRun = async (): Promise<void> => {
    const handle = await client.workflow.start('baselineOrder', {
      taskQueue: baselineQueue,
      workflowId: uniqueId('baseline'),
      args: [ORDER_TO_CASH_ACTIVITIES],
    });
    await handle.result();
  };
  const orderRun = async (): Promise<void> => {
    const response = await fetch(`${api.url}/v1/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'orderToCash', input: newOrderInput() }),
    });
    if (response.status !== 202) throw new Error(`POST /v1/runs answered ${response.status}: ${await response.text()}`);
    const { workflowId, runId } = (await response.json()) as { workflowId: string; runId: string };
    await client.workflow.getHandle(workflowId, runId).result();
  };

  try {
    // Warm-up: bundles loaded, connections and DB pool open, V8 caches filled.
    await runConcurrently(10, concurrency, baselineRun);
    await runConcurrently(10, concurrency, orderRun);
    const measured = {
      baseline: { latencies: [] as number[], wallMs: 0 },
      junction: { latencies: [] as number[], wallMs: 0 },
    };
    for (let round = 0; round < ROUNDS; round++) {
      const perRound = Math.floor(runs / ROUNDS);
      const b = await runConcurrently(perRound, concurrency, baselineRun);
      measured.baseline.latencies.push(...b.latenciesMs);
      measured.baseline.wallMs += b.wallMs;
      const j = await runConcurrently(perRound, concurrency, orderRun);
      measured.junction.latencies.push(...j.latenciesMs);
      measured.junction.wallMs += j.wallMs;
    }
    const baseline = summarize(measured.baseline.latencies, measured.baseline.wallMs);
    const junction = summarize(measured.junction.latencies, measured.junction.wallMs);
    report(baseline, junction, concurrency);
  } finally {
    await api.close();
    baselineWorker.shutdown();
    await Promise.allSettled([baselineRunning, junctionWorker.shutdown(), junctionRunning]);
    await Promise.all([connection.close(), baselineConnection.close()]);
    await registry.close();
    await smtp.close();
    await db.destroy();
    await stopDevServer();
  }
}

function report(baseline: RunStats, junction: RunStats, concurrency: number): void {
  const row = (name: string, s: RunStats) =>
    `${name.padEnd(38)} ${String(s.runs).padStart(5)} ${s.runsPerSecond.toFixed(1).padStart(8)} ${s.p50Ms.toFixed(0).padStart(8)} ${s.p99Ms.toFixed(0).padStart(8)}`;
  console.log(
    `\norderToCash throughput (concurrency ${concurrency}, ${ORDER_TO_CASH_ACTIVITIES} activities per run, Temporal dev server)`,
  );
  console.log(
    `${'workload'.padEnd(38)} ${'runs'.padStart(5)} ${'runs/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`,
  );
  console.log(row('baseline: bare SDK, 8 no-op activities', baseline));
  console.log(row('junction: API + orderToCash (sandbox)', junction));
  console.log(
    `ratio junction/baseline runs/s: ${(junction.runsPerSecond / baseline.runsPerSecond).toFixed(2)}; p50 latency ×${(junction.p50Ms / baseline.p50Ms).toFixed(2)}`,
  );
  console.log(JSON.stringify({ bench: 'order-throughput', concurrency, baseline, junction }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
