/**
 * What the event and import e2e suites run against: the intake-recorder workflow on a worker of
 * the suite's own task queue (shared dev server), an intake (inbox in a fresh test database, a
 * BullMQ queue of the suite's own name), its consumer, and the API that accepts events and files.
 * openIntakeApi alone is the same API and intake without worker or consumer, for sub-suites that
 * need other limits or nothing delivering.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { loadConfig, type Config } from '../../config';
import { createApp, type AppDeps } from '../../server/api/app';
import { createApiKeysService } from '../../server/auth/api-keys.service';
import { startApiServer, type RunningApiServer } from '../../server/api/server';
import { openEventIntake, type EventIntake } from '../../server/intake/event-intake';
import { parseEventSourcesFile } from '../../server/intake/event-sources-file';
import { startIntakeConsumer, type IntakeConsumer } from '../../server/intake/intake-consumer';
import { bundlerLogger } from '../../server/worker/worker';
import type { ProcessDefinition } from '../../workflows/catalog';
import { intakeRecorderProcess } from './intake-recorder.process';
import { uniqueId } from './order-fixtures';
import { getDevServer } from './temporal-test-servers';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface IntakeApiOptions {
  /** Names the test database. */
  label: string;
  config: Config;
  temporal: Client;
  catalog: ProcessDefinition[];
  /** event-sources.yaml text; `${NAME}` references are resolved from `secrets`. */
  sourcesYaml: string;
  secrets: Record<string, string>;
  queueName: string;
  importLimits?: AppDeps['importLimits'];
}

export interface IntakeApi {
  db: TestDatabase;
  intake: EventIntake;
  api: RunningApiServer;
  /** A new API key with these scopes, in clear. */
  createKey(name: string, scopes: string[]): Promise<string>;
  /** Closes the API and the intake, empties the BullMQ queue and drops the database. */
  close(): Promise<void>;
}

export async function openIntakeApi({
  label,
  config,
  temporal,
  catalog,
  sourcesYaml,
  secrets,
  queueName,
  importLimits,
}: IntakeApiOptions): Promise<IntakeApi> {
  const db = await createTestDatabase(label);
  const sources = parseEventSourcesFile(sourcesYaml, secrets, catalog);
  const intake = await openEventIntake({ config, models: db.models, catalog, env: secrets, sources, queueName });
  const api = await startApiServer(
    createApp({ config, temporal, models: db.models, catalog, intake, ...(importLimits ? { importLimits } : {}) }),
    0,
  );
  const keys = createApiKeysService({ apiKeys: db.models.ApiKey });
  return {
    db,
    intake,
    api,
    createKey: async (name, scopes) => (await keys.createKey({ name, scopes })).key,
    async close() {
      await api.close();
      await intake.producer.queue.obliterate({ force: true }).catch(() => undefined);
      await intake.close();
      await db.destroy();
    },
  };
}

export interface IntakeStackOptions {
  /** Names the test database and prefixes the task queue. */
  label: string;
  /** Prefix of the intake-recorder workflow ids. */
  prefix: string;
  /** A Redis database of the suite's own. */
  redisUrl: string;
  queueName: string;
  sourcesYaml: string;
  secrets: Record<string, string>;
  consumerConcurrency: number;
  /** More configuration variables, e.g. INTAKE_MAX_ATTEMPTS. */
  env?: Record<string, string>;
}

export interface IntakeStack extends IntakeApi {
  config: Config;
  temporal: Client;
  catalog: ProcessDefinition[];
  consumer: IntakeConsumer;
}

export async function startIntakeStack({
  label,
  prefix,
  redisUrl,
  queueName,
  sourcesYaml,
  secrets,
  consumerConcurrency,
  env = {},
}: IntakeStackOptions): Promise<IntakeStack> {
  const server = await getDevServer();
  const connection = await Connection.connect({ address: server.address });
  const temporal = new Client({ connection, namespace: server.namespace });
  const taskQueue = uniqueId(label.replace(/_/g, '-'));
  const workerConnection = await NativeConnection.connect({ address: server.address });
  const worker = await Worker.create({
    connection: workerConnection,
    namespace: server.namespace,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: require.resolve('./intake-recorder.workflow'),
      logger: bundlerLogger(),
    }),
  });
  const workerRunning = worker.run();
  const config = loadConfig({
    TEMPORAL_NAMESPACE: server.namespace,
    TEMPORAL_TASK_QUEUE: taskQueue,
    REDIS_URL: redisUrl,
    ...env,
  });
  const catalog = [intakeRecorderProcess(prefix)];
  const intakeApi = await openIntakeApi({ label, config, temporal, catalog, sourcesYaml, secrets, queueName });
  const consumer = startIntakeConsumer({
    redisUrl,
    client: temporal,
    taskQueue,
    inbox: intakeApi.intake.inbox,
    maxAttempts: config.intake.maxAttempts,
    backoff: { baseMs: config.intake.retryBaseMs, maxMs: config.intake.retryMaxMs },
    concurrency: consumerConcurrency,
    queueName,
  });

  return {
    ...intakeApi,
    config,
    temporal,
    catalog,
    consumer,
    async close() {
      await consumer.close();
      await intakeApi.close();
      worker.shutdown();
      await workerRunning;
      await workerConnection.close();
      await connection.close();
    },
  };
}
