/**
 * `npm run bench -- --only flows [-- --runs 200 --concurrency 20]`
 *
 * orderToCash as code (workflows/order-to-cash/) against orderToCash as a flow
 * (config/flows/order-to-cash.yaml, run by the interpreter) — same worker, same sandbox connectors
 * in MariaDB, same SMTP server, same dev server, interleaved in rounds so machine noise hits both.
 * Both are started with the plain client (the API's cost is the same for both and is measured by
 * the orders bench). Latency is start → workflow completed; history events are counted per run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createActivities } from '../activities';
import { loadConfig } from '../config';
import { createDefaultRegistry } from '../connectors/registry';
import { configureLogger } from '../logging/logger';
import { loadApprovalPolicies } from '../server/approvals/approval-policies-file';
import { registryDeps } from '../server/connectors/registry-deps';
import { parseFlowDocument } from '../server/flows/parse-flow-document';
import { installTemporalRuntime } from '../server/temporal/runtime';
import { bundleWorkflows, createJunctionWorker } from '../server/worker/worker';
import { newOrderInput, uniqueId } from '../test/support/order-fixtures';
import { startSmtpSink } from '../test/support/smtp-sink';
import { getDevServer, stopDevServer } from '../test/support/temporal-test-servers';
import { createTestDatabase } from '../test/support/test-database';
import { flowWorkflowId, flowWorkflowType, type FlowRunInput } from '../workflows/flow/flow-run.types';
import { orderWorkflowId } from '../workflows/order-to-cash/order-to-cash.types';
import { parseRunOptions, runConcurrently, summarize, type RunStats } from './latency-stats';

const ROUNDS = 2;

function orderToCashFlow(): FlowRunInput['flow'] {
  const parsed = parseFlowDocument(
    readFileSync(join(__dirname, '..', 'config', 'flows', 'order-to-cash.yaml'), 'utf8'),
    'application/yaml',
  );
  if (!parsed.ok) throw new Error(`config/flows/order-to-cash.yaml: ${JSON.stringify(parsed.issues)}`);
  return { name: 'order-to-cash', version: '1.0.0', document: parsed.document };
}

async function main(): Promise<void> {
  const { runs, concurrency } = parseRunOptions(ROUNDS);
  configureLogger({ level: 'error', format: 'json' });
  installTemporalRuntime('error');

  const [server, db, smtp, bundle] = await Promise.all([
    getDevServer(),
    createTestDatabase('bench_flows'),
    startSmtpSink(),
    bundleWorkflows(),
  ]);
  const config = loadConfig(
    {
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: server.namespace,
      TEMPORAL_TASK_QUEUE: uniqueId('bench-flows'),
      DATABASE_URL: db.url,
      SMTP_URL: smtp.url,
      LOG_LEVEL: 'error',
    },
    false,
  );
  const taskQueue = config.temporal.taskQueue;
  const registry = createDefaultRegistry(registryDeps(config, db.models));
  const worker = await createJunctionWorker(
    {
      address: server.address,
      namespace: server.namespace,
      taskQueue,
      shutdownGraceSeconds: 5,
      workflowBundle: bundle,
    },
    createActivities({
      connectors: registry,
      approvalPolicies: await loadApprovalPolicies(config.approvalPoliciesFile),
    }),
  );
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: server.namespace });
  const running = worker.run();
  const flow = orderToCashFlow();
  const lastIds = { code: '', flow: '' };

  const codeRun = async (): Promise<void> => {
    const input = newOrderInput();
    lastIds.code = orderWorkflowId(input.orderId);
    await client.workflow.execute('orderToCash', { taskQueue, workflowId: lastIds.code, args: [input] });
  };
  const flowRun = async (): Promise<void> => {
    const input = newOrderInput();
    lastIds.flow = flowWorkflowId(flow.name, input.orderId);
    const args: [FlowRunInput] = [{ flow, input }];
    await client.workflow.execute(flowWorkflowType(flow.name), { taskQueue, workflowId: lastIds.flow, args });
  };
  const historyEvents = async (workflowId: string): Promise<number> =>
    (await client.workflow.getHandle(workflowId).fetchHistory()).events?.length ?? 0;

  try {
    // Warm-up: bundle loaded, jq instantiated, connections and DB pool open.
    await runConcurrently(10, concurrency, codeRun);
    await runConcurrently(10, concurrency, flowRun);
    const measured = { code: { latencies: [] as number[], wallMs: 0 }, flow: { latencies: [] as number[], wallMs: 0 } };
    for (let round = 0; round < ROUNDS; round++) {
      const perRound = Math.floor(runs / ROUNDS);
      const c = await runConcurrently(perRound, concurrency, codeRun);
      measured.code.latencies.push(...c.latenciesMs);
      measured.code.wallMs += c.wallMs;
      const f = await runConcurrently(perRound, concurrency, flowRun);
      measured.flow.latencies.push(...f.latenciesMs);
      measured.flow.wallMs += f.wallMs;
    }
    report(
      { ...summarize(measured.code.latencies, measured.code.wallMs), events: await historyEvents(lastIds.code) },
      { ...summarize(measured.flow.latencies, measured.flow.wallMs), events: await historyEvents(lastIds.flow) },
      concurrency,
    );
  } finally {
    await Promise.allSettled([worker.shutdown(), running]);
    await connection.close();
    await registry.close();
    await smtp.close();
    await db.destroy();
    await stopDevServer();
  }
}

type Measured = RunStats & { events: number };

function report(code: Measured, flow: Measured, concurrency: number): void {
  const row = (name: string, s: Measured) =>
    `${name.padEnd(34)} ${String(s.runs).padStart(5)} ${s.runsPerSecond.toFixed(1).padStart(8)} ${s.p50Ms.toFixed(0).padStart(8)} ${s.p99Ms.toFixed(0).padStart(8)} ${String(s.events).padStart(8)}`;
  console.log(`\norderToCash: code against flow (concurrency ${concurrency}, Temporal dev server, sandbox connectors)`);
  console.log(
    `${'workload'.padEnd(34)} ${'runs'.padStart(5)} ${'runs/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'events'.padStart(8)}`,
  );
  console.log(row('code: workflows/order-to-cash', code));
  console.log(row('flow: config/flows/order-to-cash', flow));
  console.log(
    `ratio flow/code runs/s: ${(flow.runsPerSecond / code.runsPerSecond).toFixed(2)}; p50 latency ×${(flow.p50Ms / code.p50Ms).toFixed(2)}`,
  );
  console.log(JSON.stringify({ bench: 'flow-vs-code', concurrency, code, flow }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
