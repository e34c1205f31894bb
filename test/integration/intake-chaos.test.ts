import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { expect } from 'chai';
import IORedis from 'ioredis';
import { loadConfig, type Config } from '../../config';
import { createApp } from '../../server/api/app';
import { createApiKeysService } from '../../server/auth/api-keys.service';
import { startApiServer, type RunningApiServer } from '../../server/api/server';
import { openEventIntake, type EventIntake } from '../../server/intake/event-intake';
import { parseEventSourcesFile } from '../../server/intake/event-sources-file';
import { bundlerLogger } from '../../server/worker/worker';
import { findFreePort } from '../../scripts/dev-stack/ports';
import { startTemporalDevServer, type RunningDevServer } from '../../scripts/dev-stack/temporal-dev-server';
import { TEMPORAL_CLI_PATH } from '../../scripts/tool-paths';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../workflows/shared/search-attributes';
import { intakeRecorderProcess } from '../support/intake-recorder.process';
import type { RecordedEvents } from '../support/intake-recorder.workflow';
import { uniqueId } from '../support/order-fixtures';
import { startRoleProcess, type RoleProcess } from '../support/role-process';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { eventuallyFound } from '../support/eventually';
import { hmacBase64 } from '../support/webhook-signing';

/** A Redis database of this suite's own: it is flushed on purpose. */
const REDIS_URL = 'redis://127.0.0.1:6379/5';
const SECRET = 'chaos-secret-0123456789';
const KEYS = 120;
const CONCURRENCY = 8;
const TEMPORAL_DOWN_MS = 30_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface SentEvent {
  key: string;
  eventId: string;
}

/**
 * Webhook senders that keep sending while the test breaks things: new events for a pool of
 * business keys, and (one in five) a repeat of an event already answered, as senders retry.
 */
class Senders {
  readonly accepted = new Map<string, string>();
  repeats = 0;
  readonly unexpected: string[] = [];
  private readonly answered: SentEvent[] = [];
  private stopped = false;
  private readonly loops: Promise<void>[] = [];

  constructor(
    private readonly url: string,
    private readonly tag: string,
  ) {}

  start(count: number, pauseMs: number): void {
    for (let i = 0; i < count; i++) this.loops.push(this.loop(i, pauseMs));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }

  get sent(): number {
    return this.accepted.size + this.repeats;
  }

  private async loop(sender: number, pauseMs: number): Promise<void> {
    let n = 0;
    while (!this.stopped) {
      const repeat = this.answered.length > 20 && Math.random() < 0.2;
      const event = repeat
        ? this.answered[Math.floor(Math.random() * this.answered.length)]!
        : { key: `${this.tag}${Math.floor(Math.random() * KEYS)}`, eventId: `${this.tag}-${sender}-${n++}` };
      const body = JSON.stringify({
        kind: repeat ? 'retried' : 'changed',
        order: { key: event.key, amount: 1 + (n % 50) },
      });
      const response = await fetch(`${this.url}/v1/events/chaos-shop`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'X-Shop-Hmac': hmacBase64(body, SECRET),
          'X-Shop-Event-Id': event.eventId,
        },
        body,
      }).catch((error: unknown) => ({ status: 0, text: () => Promise.resolve(String(error)) }));
      if (response.status === 202 && !repeat) {
        this.accepted.set(event.eventId, event.key);
        this.answered.push(event);
      } else if (response.status === 200 && repeat) this.repeats += 1;
      else
        this.unexpected.push(
          `${event.eventId} (${repeat ? 'repeat' : 'new'}): ${response.status} ${await response.text()}`,
        );
      await sleep(pauseMs);
    }
  }
}

describe('Event intake under failure: consumer killed, Temporal stopped for 30 s and Redis flushed meanwhile, while events keep arriving (own dev server, consumer processes, MariaDB, Redis)', function () {
  this.timeout(12 * 60_000);
  let workDir: string;
  let keepLogs = false;
  let temporalPort: number;
  let temporalServer: RunningDevServer | null = null;
  let db: TestDatabase;
  let redis: IORedis;
  let connection: Connection;
  let temporal: Client;
  let worker: Worker | null = null;
  let workerRunning: Promise<void> = Promise.resolve();
  let workerConnection: NativeConnection | null = null;
  let config: Config;
  let intake: EventIntake;
  let api: RunningApiServer;
  let writerKey: string;
  let consumerEnv: Record<string, string>;
  const consumers: RoleProcess[] = [];
  const prefix = uniqueId('chaos');
  const taskQueue = uniqueId('intake-chaos');

  async function startTemporal(): Promise<void> {
    temporalServer = await startTemporalDevServer({
      cliPath: TEMPORAL_CLI_PATH,
      ip: '127.0.0.1',
      port: temporalPort,
      uiPort: null,
      // A file, so that the runs started before the stop are there after it.
      dbFilename: join(workDir, 'temporal.sqlite'),
      namespace: 'default',
      searchAttributes: CUSTOM_SEARCH_ATTRIBUTES,
      logFile: join(workDir, 'temporal.log'),
      readyTimeoutMs: 90_000,
    });
  }

  async function stopTemporal(): Promise<void> {
    await temporalServer?.child.stop(15_000);
    temporalServer = null;
  }

  /** The fixture's worker; started again if the outage ended it. */
  async function ensureWorker(): Promise<void> {
    if (worker && worker.getState() === 'RUNNING') return;
    await workerRunning.catch(() => undefined);
    await workerConnection?.close().catch(() => undefined);
    workerConnection = await NativeConnection.connect({ address: `127.0.0.1:${temporalPort}` });
    worker = await Worker.create({
      connection: workerConnection,
      namespace: 'default',
      taskQueue,
      workflowBundle: await bundleWorkflowCode({
        workflowsPath: require.resolve('../support/intake-recorder.workflow'),
        logger: bundlerLogger(),
      }),
    });
    workerRunning = worker.run();
  }

  async function startConsumer(name: string, env: Record<string, string> = {}): Promise<RoleProcess> {
    const consumer = startRoleProcess('intake', name, { ...consumerEnv, ...env }, join(workDir, `${name}.log`));
    consumers.push(consumer);
    await consumer.ready();
    return consumer;
  }

  async function statusCounts(source: string): Promise<Record<string, number>> {
    const rows = (await db.models.InboxEvent.count({ where: { source }, group: ['status'] })) as unknown as {
      status: string;
      count: number;
    }[];
    return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
  }

  before(async function () {
    workDir = await mkdtemp(join(tmpdir(), 'junction-intake-chaos-'));
    temporalPort = await findFreePort();
    await startTemporal();
    db = await createTestDatabase('intake_chaos');
    redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: 3 });
    await redis.flushdb();
    connection = await Connection.connect({ address: `127.0.0.1:${temporalPort}` });
    temporal = new Client({ connection, namespace: 'default' });
    await ensureWorker();
    consumerEnv = {
      DATABASE_URL: db.url,
      REDIS_URL,
      TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
      TEMPORAL_TASK_QUEUE: taskQueue,
      INTAKE_CONCURRENCY: String(CONCURRENCY),
      INTAKE_MAX_ATTEMPTS: '200',
      INTAKE_RETRY_BASE_MS: '200',
      INTAKE_RETRY_MAX_MS: '3000',
      INTAKE_SWEEP_AFTER_SECONDS: '5',
      LOG_LEVEL: 'info',
      SHUTDOWN_GRACE_SECONDS: '5',
    };
    config = loadConfig(
      {
        TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
        TEMPORAL_TASK_QUEUE: taskQueue,
        REDIS_URL,
        INTAKE_BACKLOG_LIMIT: '100000',
      },
      false,
    );
    const catalog = [intakeRecorderProcess(prefix)];
    const yaml = `
sources:
  chaos-shop:
    signature: { scheme: hmac-sha256, header: X-Shop-Hmac, secret: '\${CHAOS_SECRET}' }
    eventId: { header: X-Shop-Event-Id, trustUnsignedHeader: true }
    process: { type: intakeRecorder, mode: signalWithStart, businessKey: order.key, input: order, signal: recordEvent }
`;
    const env = { CHAOS_SECRET: SECRET };
    intake = await openEventIntake({
      config,
      models: db.models,
      catalog,
      env,
      sources: parseEventSourcesFile(yaml, env, catalog),
    });
    api = await startApiServer(createApp({ config, temporal, models: db.models, catalog, intake }), 0);
    writerKey = (
      await createApiKeysService({ apiKeys: db.models.ApiKey }).createKey({
        name: 'ops',
        scopes: ['runs:read', 'runs:write'],
      })
    ).key;
  });

  after(async function () {
    for (const consumer of consumers) await consumer.stop().catch(() => undefined);
    await api?.close();
    await intake?.close();
    worker?.shutdown();
    await workerRunning.catch(() => undefined);
    await workerConnection?.close().catch(() => undefined);
    await connection?.close();
    await stopTemporal();
    await redis?.flushdb().catch(() => undefined);
    redis?.disconnect();
    await db?.destroy();
    if (workDir && !keepLogs) await rm(workDir, { recursive: true, force: true });
    else if (workDir) console.error(`      logs kept in ${workDir}`);
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') keepLogs = true;
  });

  it('then every accepted event produced exactly one run per business key and reached its run, none lost', async function () {
    const first = await startConsumer('consumer-1');
    const senders = new Senders(api.url, `${prefix}-k`);
    const started = Date.now();
    const at = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
    senders.start(3, 60);

    await sleep(4_000);
    await first.crash();
    const killedAt = at();
    const acceptedAtKill = senders.accepted.size;
    await sleep(2_000);
    const metricsPort = await findFreePort();
    await startConsumer('consumer-2', { INTAKE_METRICS_PORT: String(metricsPort) });

    await sleep(4_000);
    await stopTemporal();
    const stoppedAt = at();
    const acceptedAtStop = senders.accepted.size;
    // Halfway through the outage the backlog is hundreds of waiting and delayed jobs: all lost.
    await sleep(TEMPORAL_DOWN_MS / 2);
    const pendingAtFlush = (await statusCounts('chaos-shop')).pending ?? 0;
    await redis.flushdb();
    const flushedAt = at();
    await sleep(TEMPORAL_DOWN_MS / 2);
    const acceptedWhileDown = senders.accepted.size - acceptedAtStop;
    const backlogAtRestart = (await statusCounts('chaos-shop')).pending ?? 0;
    await startTemporal();
    const restartedAt = Date.now();
    await ensureWorker();

    await sleep(5_000);
    await senders.stop();
    const sentMs = Date.now() - started;
    expect(senders.unexpected, senders.unexpected.slice(0, 5).join('\n')).to.deep.equal([]);

    await eventuallyFound(
      'no pending inbox rows',
      async () => {
        const counts = await statusCounts('chaos-shop');
        return (counts.pending ?? 0) === 0 ? counts : undefined;
      },
      { timeoutMs: 5 * 60_000, intervalMs: 1_000, retryErrors: true },
    );
    const drainedMs = Date.now() - restartedAt;
    await ensureWorker();

    // Every accepted event is in the inbox, delivered, and nothing else is.
    const rows = await db.models.InboxEvent.findAll({
      where: { source: 'chaos-shop' },
      attributes: ['eventId', 'status', 'outcome', 'businessKey', 'attempts'],
    });
    expect(rows.length, 'inbox rows').to.equal(senders.accepted.size);
    const notDone = rows.filter((row) => row.status !== 'done' || row.outcome !== 'signalled');
    expect(notDone.map((row) => `${row.eventId}: ${row.status}/${row.outcome}`)).to.deep.equal([]);
    expect(new Set(rows.map((row) => row.eventId))).to.deep.equal(new Set(senders.accepted.keys()));

    // Per business key: one run, and exactly the key's accepted events acted on in it.
    const byKey = new Map<string, string[]>();
    for (const [eventId, key] of senders.accepted) byKey.set(key, [...(byKey.get(key) ?? []), `chaos-shop/${eventId}`]);
    let repeats = 0;
    for (const [key, expected] of byKey) {
      const workflowId = `${prefix}-${key}`;
      const runs = await eventuallyFound(
        `runs of ${workflowId}`,
        async () => {
          const { count } = await temporal.workflow.count(`WorkflowId = '${workflowId}'`);
          return count >= 1 ? count : undefined;
        },
        { timeoutMs: 60_000, retryErrors: true },
      );
      expect(runs, `runs of ${workflowId}`).to.equal(1);
      const state = await temporal.workflow.getHandle(workflowId).query<RecordedEvents>('recorded');
      expect([...state.events].sort(), workflowId).to.deep.equal([...expected].sort());
      repeats += state.repeats;
    }
    // A repeat is a signal Temporal accepted whose outcome the consumer could not record (killed,
    // or Temporal stopped after accepting it): at most one per delivery in flight at those moments.
    expect(repeats, 'signals repeated (ignored by the workflow)').to.be.at.most(3 * CONCURRENCY);
    const maxAttempts = Math.max(...rows.map((row) => row.attempts));
    // The flushed jobs came back through the sweeper (its log line counts them).
    const requeued = (await readFile(join(workDir, 'consumer-2.log'), 'utf8'))
      .split('\n')
      .filter((line) => line.includes('"inbox sweeper re-enqueued events whose jobs were lost"'))
      .reduce((sum, line) => sum + Number((JSON.parse(line) as { requeued: number }).requeued), 0);
    expect(pendingAtFlush, 'events pending when Redis was flushed').to.be.greaterThan(0);
    expect(requeued, 'jobs re-enqueued by the sweeper').to.be.at.least(pendingAtFlush);
    // The intake-only process serves its own metrics (INTAKE_METRICS_PORT): what it delivered, and the shared backlog.
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const counter = (outcome: string) =>
      Number(
        new RegExp(`junction_intake_deliveries_total\\{source="chaos-shop",outcome="${outcome}"\\} (\\d+)`).exec(
          metrics,
        )?.[1] ?? 0,
      );
    expect(counter('signalled'), 'signalled by consumer-2').to.be.greaterThan(0).and.at.most(senders.accepted.size);
    expect(counter('retry'), 'retries by consumer-2').to.be.greaterThan(0);
    expect(metrics).to.match(/^junction_intake_backlog 0$/m);
    expect(metrics).to.match(/^junction_intake_dead_letters 0$/m);
    console.log(
      `      ${senders.sent} deliveries in ${(sentMs / 1000).toFixed(0)} s: ${senders.accepted.size} events accepted (202), ${senders.repeats} repeats answered 200; ` +
        `consumer killed at ${killedAt} (${acceptedAtKill} accepted by then), Temporal stopped at ${stoppedAt} for ${TEMPORAL_DOWN_MS / 1000} s (${acceptedWhileDown} accepted meanwhile), ` +
        `Redis flushed at ${flushedAt} with ${pendingAtFlush} events pending (${requeued} jobs re-enqueued by the sweeper); backlog ${backlogAtRestart} at the restart, drained ${(drainedMs / 1000).toFixed(1)} s after it; ` +
        `${byKey.size} keys → ${byKey.size} runs; ${repeats} repeated signals ignored by the workflow; most attempts for one event: ${maxAttempts}`,
    );
  });

  it('when Temporal stays down past INTAKE_MAX_ATTEMPTS, then the events become dead letters, and a bulk replay turns them into runs', async function () {
    for (const consumer of consumers) await consumer.stop();
    await startConsumer('consumer-3', {
      INTAKE_MAX_ATTEMPTS: '3',
      INTAKE_RETRY_BASE_MS: '100',
      INTAKE_RETRY_MAX_MS: '300',
    });
    await stopTemporal();
    const keys = Array.from({ length: 20 }, (_, i) => `${prefix}-dead${i}`);
    for (const key of keys) {
      const body = JSON.stringify({ kind: 'changed', order: { key, amount: 7 } });
      const response = await fetch(`${api.url}/v1/events/chaos-shop`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'X-Shop-Hmac': hmacBase64(body, SECRET),
          'X-Shop-Event-Id': `evt-${key}`,
        },
        body,
      });
      expect(response.status).to.equal(202);
    }
    const dead = await eventuallyFound(
      'all 20 dead',
      async () => {
        const rows = await db.models.InboxEvent.findAll({ where: { source: 'chaos-shop', status: 'dead' } });
        return rows.length === 20 ? rows : undefined;
      },
      { timeoutMs: 3 * 60_000, intervalMs: 500, retryErrors: true },
    );
    expect(dead.every((row) => row.deadReason === 'max-attempts' && row.attempts === 3)).to.equal(true);
    const listed = await fetch(`${api.url}/v1/dead-letters?source=chaos-shop&reason=max-attempts&pageSize=100`, {
      headers: { authorization: `Bearer ${writerKey}` },
    });
    expect(((await listed.json()) as { items: unknown[] }).items).to.have.length(20);

    await startTemporal();
    await ensureWorker();
    const replay = await fetch(`${api.url}/v1/dead-letters/replay`, {
      method: 'POST',
      headers: { authorization: `Bearer ${writerKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ source: 'chaos-shop', reason: 'max-attempts', limit: 100 }),
    });
    expect(replay.status).to.equal(202);
    expect(((await replay.json()) as { replayed: number }).replayed).to.equal(20);
    await eventuallyFound(
      'replayed rows done',
      async () => {
        const counts = await statusCounts('chaos-shop');
        return (counts.pending ?? 0) === 0 && (counts.dead ?? 0) === 0 ? counts : undefined;
      },
      { timeoutMs: 3 * 60_000, intervalMs: 500, retryErrors: true },
    );
    for (const key of keys) {
      const state = await temporal.workflow.getHandle(`${prefix}-${key}`).query<RecordedEvents>('recorded');
      expect(state.events).to.deep.equal([`chaos-shop/evt-${key}`]);
      expect(state.input).to.deep.equal({ key, amount: 7 });
    }
  });
});
