/**
 * `npm run bench:intake [-- --events 2000 --concurrency 20 --rows 50000 --consumers 20]`
 *
 * Event intake throughput on the dev server, MariaDB and Redis, each beside a baseline measured
 * in the same run:
 * - acknowledgement: POST /v1/events/:source with a real HMAC signature (verify, map, validate,
 *   inbox row, BullMQ job, 202) against a bare BullMQ Queue.add on the same Redis, with the same
 *   concurrency; events/s and p50/p99 latency;
 * - end to end: from the first POST until every event's run was started by the intake consumer
 *   (signature to Temporal), against the same starts made directly with the Temporal client;
 * - bulk: one NDJSON import of --rows rows through POST /v1/imports (rows durable in the inbox
 *   when it answers), with rows/s and the process's peak RSS and heap sampled during it; then
 *   the same import again with a full collection before each sample, for the live heap (the
 *   high-water mark above also counts garbage V8 has not collected yet). It runs first, before
 *   the thousands of runs of the other phases fill the worker's cache.
 */
import { createHmac } from 'node:crypto';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { configureLogger } from '../logging/logger';
import { installTemporalRuntime } from '../server/temporal/runtime';
import { uniqueId } from '../test/support/order-fixtures';
import { stopDevServer } from '../test/support/temporal-test-servers';
import { BENCH_HMAC_HEADER, BENCH_SECRET, BENCH_SOURCE, startIntakeStack, type IntakeStack } from './intake-stack';
import { runConcurrently, summarize, type RunStats } from './latency-stats';

/** A Redis database of the bench's own. */
const REDIS_URL = 'redis://127.0.0.1:6379/8';
const MEMORY_SAMPLE_MS = 50;
const LIVE_HEAP_SAMPLE_MS = 500;

function positiveInteger(value: string | undefined, name: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`--${name} must be a positive integer`);
  return parsed;
}

const eventOf = (id: string, key: string) => JSON.stringify({ id, kind: 'created', order: { key, amount: 1 } });

async function bullmqBaseline(events: number, concurrency: number): Promise<RunStats> {
  const connection = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(uniqueId('bench-bare'), { connection });
  try {
    await runConcurrently(
      100,
      concurrency,
      async (i) =>
        void (await queue.add('deliver', { inboxId: `warm-${i}` }, { jobId: `warm-${i}`, removeOnComplete: true })),
    );
    const { latenciesMs, wallMs } = await runConcurrently(events, concurrency, async (i) => {
      await queue.add(
        'deliver',
        { inboxId: String(i) },
        { jobId: `job-${i}`, attempts: 10, removeOnComplete: true, removeOnFail: true },
      );
    });
    return summarize(latenciesMs, wallMs);
  } finally {
    await queue.obliterate({ force: true });
    await queue.close();
    await connection.quit();
  }
}

/** Signed webhooks until each is acknowledged, then until every run has started. */
async function intakeThroughput(
  stack: IntakeStack,
  events: number,
  concurrency: number,
): Promise<{ ack: RunStats; endToEnd: { runs: number; seconds: number; runsPerSecond: number } }> {
  const target = await stack.openApi('bench_events', true);
  const post = async (id: string) => {
    const body = eventOf(id, id);
    const response = await fetch(`${target.api.url}/v1/events/${BENCH_SOURCE}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [BENCH_HMAC_HEADER]: createHmac('sha256', BENCH_SECRET).update(body).digest('base64'),
      },
      body,
    });
    if (response.status !== 202)
      throw new Error(`POST /v1/events answered ${response.status}: ${await response.text()}`);
    await response.arrayBuffer();
  };
  try {
    await runConcurrently(100, concurrency, (i) => post(`warm-${i}`));
    await waitUntilDelivered(target.db.models.InboxEvent, 100, 120_000);
    const started = performance.now();
    const { latenciesMs, wallMs } = await runConcurrently(events, concurrency, (i) => post(`evt-${i}`));
    const ack = summarize(latenciesMs, wallMs);
    await waitUntilDelivered(target.db.models.InboxEvent, 100 + events, 600_000);
    const seconds = (performance.now() - started) / 1000;
    return { ack, endToEnd: { runs: events, seconds, runsPerSecond: events / seconds } };
  } finally {
    await target.close();
  }
}

async function waitUntilDelivered(
  inbox: { count(options: { where: { status: string } }): Promise<number> },
  expected: number,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await inbox.count({ where: { status: 'done' } })) < expected) {
    if (Date.now() > deadline) throw new Error(`not every event was delivered within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The same runs started straight through the Temporal client: what a start costs without the intake. */
async function directStarts(
  stack: IntakeStack,
  runs: number,
  concurrency: number,
): Promise<{ runs: number; seconds: number; runsPerSecond: number }> {
  const { wallMs } = await runConcurrently(runs, concurrency, async (i) => {
    const key = uniqueId(`direct-${i}`);
    await stack.client.workflow.start('intakeRecorder', {
      taskQueue: stack.taskQueue,
      workflowId: `${stack.workflowIdPrefix}-${key}`,
      args: [{ key, amount: 1 }],
    });
  });
  return { runs, seconds: wallMs / 1000, runsPerSecond: runs / (wallMs / 1000) };
}

interface ImportStats {
  rows: number;
  megabytes: number;
  seconds: number;
  rowsPerSecond: number;
  rssBeforeMb: number;
  rssPeakMb: number;
  heapBeforeMb: number;
  heapPeakMb: number;
}

/** V8's collector, exposed at run time (the bench runs without --expose-gc). */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * One import of `rows` rows. With `gc`, each sample follows a full collection: the heap the
 * import holds, not garbage awaiting collection (and the import runs slower for it).
 */
async function bulkImport(stack: IntakeStack, rows: number, gc: (() => void) | null): Promise<ImportStats> {
  // No consumer: the rows stay pending; the import alone is measured.
  const target = await stack.openApi(gc ? 'bench_import_gc' : 'bench_import', false);
  let bytes = 0;
  async function* file(): AsyncGenerator<Uint8Array> {
    let chunk = '';
    for (let i = 0; i < rows; i++) {
      chunk += `${eventOf(`row-${i}`, `row-${i}`)}\n`;
      if (chunk.length >= 64 * 1024 || i === rows - 1) {
        bytes += chunk.length;
        yield Buffer.from(chunk);
        chunk = '';
      }
    }
  }
  const mb = (n: number) => n / 1024 / 1024;
  gc?.();
  const before = process.memoryUsage();
  let rssPeak = before.rss;
  let heapPeak = before.heapUsed;
  const sampler = setInterval(
    () => {
      gc?.();
      const now = process.memoryUsage();
      rssPeak = Math.max(rssPeak, now.rss);
      heapPeak = Math.max(heapPeak, now.heapUsed);
    },
    gc ? LIVE_HEAP_SAMPLE_MS : MEMORY_SAMPLE_MS,
  );
  try {
    const started = performance.now();
    const response = await fetch(`${target.api.url}/v1/imports?source=${BENCH_SOURCE}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${target.key}`, 'content-type': 'application/x-ndjson' },
      body: file(),
      duplex: 'half',
    } as RequestInit);
    const report = (await response.json()) as { counts?: { accepted: number } };
    const seconds = (performance.now() - started) / 1000;
    if (response.status !== 202 || report.counts?.accepted !== rows)
      throw new Error(`POST /v1/imports answered ${response.status}: ${JSON.stringify(report)}`);
    return {
      rows,
      megabytes: mb(bytes),
      seconds,
      rowsPerSecond: rows / seconds,
      rssBeforeMb: mb(before.rss),
      rssPeakMb: mb(rssPeak),
      heapBeforeMb: mb(before.heapUsed),
      heapPeakMb: mb(heapPeak),
    };
  } finally {
    clearInterval(sampler);
    await target.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '2000' },
      concurrency: { type: 'string', default: '20' },
      rows: { type: 'string', default: '50000' },
      consumers: { type: 'string', default: '20' },
    },
  });
  const events = positiveInteger(values.events, 'events');
  const concurrency = positiveInteger(values.concurrency, 'concurrency');
  const rows = positiveInteger(values.rows, 'rows');
  const consumers = positiveInteger(values.consumers, 'consumers');
  configureLogger({ level: 'error', format: 'json' });
  installTemporalRuntime('error');

  const stack = await startIntakeStack(REDIS_URL, consumers);
  try {
    const bulk = await bulkImport(stack, rows, null);
    const live = await bulkImport(stack, rows, collector());
    const bare = await bullmqBaseline(events, concurrency);
    const { ack, endToEnd } = await intakeThroughput(stack, events, concurrency);
    const direct = await directStarts(stack, events, concurrency);
    report({ events, concurrency, consumers }, bare, ack, endToEnd, direct, bulk, live);
  } finally {
    await stack.close();
    await stopDevServer();
  }
}

function report(
  settings: { events: number; concurrency: number; consumers: number },
  bare: RunStats,
  ack: RunStats,
  endToEnd: { runs: number; seconds: number; runsPerSecond: number },
  direct: { runs: number; seconds: number; runsPerSecond: number },
  bulk: ImportStats,
  live: ImportStats,
): void {
  const row = (name: string, count: number, perSecond: number, p50: number | null, p99: number | null) =>
    `${name.padEnd(50)} ${String(count).padStart(6)} ${perSecond.toFixed(0).padStart(8)} ${(p50 === null ? '-' : p50.toFixed(1)).padStart(8)} ${(p99 === null ? '-' : p99.toFixed(1)).padStart(8)}`;
  console.log(
    `\nevent intake (concurrency ${settings.concurrency}, ${settings.consumers} consumer slots, Temporal dev server, MariaDB, Redis)`,
  );
  console.log(
    `${'workload'.padEnd(50)} ${'count'.padStart(6)} ${'per s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`,
  );
  console.log(row('baseline: bare BullMQ Queue.add', bare.runs, bare.runsPerSecond, bare.p50Ms, bare.p99Ms));
  console.log(row('junction: POST /v1/events (signed) → 202', ack.runs, ack.runsPerSecond, ack.p50Ms, ack.p99Ms));
  console.log(row('baseline: Temporal client workflow.start', direct.runs, direct.runsPerSecond, null, null));
  console.log(row('junction: events → runs started (end to end)', endToEnd.runs, endToEnd.runsPerSecond, null, null));
  console.log(
    row(
      `junction: POST /v1/imports NDJSON (${bulk.megabytes.toFixed(1)} MB)`,
      bulk.rows,
      bulk.rowsPerSecond,
      null,
      null,
    ),
  );
  console.log(
    `ratios: acknowledged events/s ÷ bare Queue.add/s = ${(ack.runsPerSecond / bare.runsPerSecond).toFixed(3)}; p50 ×${(ack.p50Ms / bare.p50Ms).toFixed(1)}, p99 ×${(ack.p99Ms / bare.p99Ms).toFixed(1)}`,
  );
  console.log(
    `        events→runs/s ÷ direct starts/s = ${(endToEnd.runsPerSecond / direct.runsPerSecond).toFixed(2)}; imported rows/s ÷ bare Queue.add/s = ${(bulk.rowsPerSecond / bare.runsPerSecond).toFixed(2)}`,
  );
  console.log(
    `import memory (one process: API, worker, client): RSS ${bulk.rssBeforeMb.toFixed(0)} → peak ${bulk.rssPeakMb.toFixed(0)} MB, heap ${bulk.heapBeforeMb.toFixed(0)} → peak ${bulk.heapPeakMb.toFixed(0)} MB;`,
  );
  console.log(
    `        live heap (full GC before each sample, ${live.rowsPerSecond.toFixed(0)} rows/s) ${live.heapBeforeMb.toFixed(0)} → peak ${live.heapPeakMb.toFixed(0)} MB`,
  );
  console.log(
    JSON.stringify({
      bench: 'intake',
      ...settings,
      bullmqBaseline: bare,
      webhookAck: ack,
      endToEnd,
      directStarts: direct,
      bulkImport: bulk,
      bulkImportLiveHeap: live,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
