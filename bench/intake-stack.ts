/**
 * What the intake bench runs against: the dev server with a worker for the intake recorder
 * process, a migrated database, the API with the event intake, and an intake consumer — the
 * same parts as the intake's e2e tests, wired once for measuring.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { loadConfig, type Config } from '../config';
import { createApp } from '../server/api/app';
import { createApiKeysService } from '../server/auth/api-keys.service';
import { startApiServer, type RunningApiServer } from '../server/api/server';
import { openEventIntake, type EventIntake } from '../server/intake/event-intake';
import type { EventSource } from '../server/intake/event-source';
import { parseEventSourcesFile } from '../server/intake/event-sources-file';
import { startIntakeConsumer, type IntakeConsumer } from '../server/intake/intake-consumer';
import { bundlerLogger } from '../server/worker/worker';
import { intakeRecorderProcess } from '../test/support/intake-recorder.process';
import { uniqueId } from '../test/support/order-fixtures';
import { getDevServer, type DevServerAddress } from '../test/support/temporal-test-servers';
import { createTestDatabase, type TestDatabase } from '../test/support/test-database';

export const BENCH_SECRET = 'bench-webhook-secret-0123456789';
export const BENCH_SOURCE = 'bench';
export const BENCH_HMAC_HEADER = 'X-Bench-Hmac';

const SOURCES_YAML = `
sources:
  ${BENCH_SOURCE}:
    signature: { scheme: hmac-sha256, header: ${BENCH_HMAC_HEADER}, secret: '\${BENCH_SECRET}' }
    eventId: { path: id }
    process: { type: intakeRecorder, mode: start, businessKey: order.key, input: order }
`;

export interface IntakeApi {
  db: TestDatabase;
  intake: EventIntake;
  api: RunningApiServer;
  key: string;
  close(): Promise<void>;
}

export interface IntakeStack {
  server: DevServerAddress;
  config: Config;
  client: Client;
  taskQueue: string;
  /** Workflow ids of the recorder are `<workflowIdPrefix>-<key>`. */
  workflowIdPrefix: string;
  /** An API with its own database and queue; with a consumer delivering its events when `consume`. */
  openApi(label: string, consume: boolean): Promise<IntakeApi & { consumer: IntakeConsumer | null }>;
  close(): Promise<void>;
}

export async function startIntakeStack(redisUrl: string, consumerConcurrency: number): Promise<IntakeStack> {
  const server = await getDevServer();
  const workflowIdPrefix = uniqueId('bench-intake');
  const taskQueue = uniqueId('bench-intake');
  const catalog = [intakeRecorderProcess(workflowIdPrefix)];
  const env = { BENCH_SECRET };
  const config = loadConfig(
    {
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: server.namespace,
      TEMPORAL_TASK_QUEUE: taskQueue,
      REDIS_URL: redisUrl,
      LOG_LEVEL: 'error',
    },
    false,
  );
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: server.namespace });
  const workerConnection = await NativeConnection.connect({ address: server.address });
  const worker = await Worker.create({
    connection: workerConnection,
    namespace: server.namespace,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: require.resolve('../test/support/intake-recorder.workflow'),
      logger: bundlerLogger(),
    }),
  });
  const running = worker.run();
  const opened: (() => Promise<void>)[] = [];

  return {
    server,
    config,
    client,
    taskQueue,
    workflowIdPrefix,
    async openApi(label, consume) {
      const db = await createTestDatabase(label);
      const sources: readonly EventSource[] = parseEventSourcesFile(SOURCES_YAML, env, catalog);
      const queueName = uniqueId(`bench-${label}`);
      const intake = await openEventIntake({ config, models: db.models, catalog, env, sources, queueName });
      const api = await startApiServer(
        createApp({ config, temporal: client, models: db.models, catalog, intake, responseCheck: 'off' }),
        0,
      );
      const key = (
        await createApiKeysService({ apiKeys: db.models.ApiKey }).createKey({
          name: 'bench',
          scopes: ['runs:read', 'runs:write'],
        })
      ).key;
      const consumer = consume
        ? startIntakeConsumer({
            redisUrl,
            client,
            taskQueue,
            inbox: intake.inbox,
            maxAttempts: config.intake.maxAttempts,
            backoff: { baseMs: config.intake.retryBaseMs, maxMs: config.intake.retryMaxMs },
            concurrency: consumerConcurrency,
            queueName,
          })
        : null;
      const close = async () => {
        await consumer?.close();
        await api.close();
        await intake.producer.queue.obliterate({ force: true }).catch(() => undefined);
        await intake.close();
        await db.destroy();
      };
      opened.push(close);
      return { db, intake, api, key, consumer, close };
    },
    async close() {
      for (const close of opened.splice(0)) await close().catch(() => undefined);
      worker.shutdown();
      await running;
      await workerConnection.close();
      await connection.close();
    },
  };
}
