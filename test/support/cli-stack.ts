/**
 * What the CLI's e2e tests run against: a real API (createApp) on the dev server with MariaDB,
 * an SMTP sink and, when asked, a Junction worker on the suite's own task queue; plus the
 * helpers to call the CLI and the API side by side.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createActivities } from '../../activities';
import { loadConfig, type Config } from '../../config';
import { createDefaultRegistry, type ConnectorRegistry } from '../../connectors/registry';
import { createApp } from '../../server/api/app';
import { createApiKeysService } from '../../server/api/keys/api-keys.service';
import { startApiServer, type RunningApiServer } from '../../server/api/server';
import { bundleWorkflows, createJunctionWorker, type JunctionWorker } from '../../server/worker/worker';
import { runJunction, type CliResult } from './cli-runner';
import { uniqueId } from './order-fixtures';
import { startSmtpSink, type SmtpSink } from './smtp-sink';
import { getDevServer } from './temporal-test-servers';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface JunctionCallOptions {
  /** Default: the admin key; null sends none. */
  key?: string | null;
  stdin?: string;
  /** Default: this stack's API. */
  url?: string;
  interruptOnStderr?: RegExp;
}

export interface CliStack {
  db: TestDatabase;
  smtp: SmtpSink;
  temporal: Client;
  api: RunningApiServer;
  adminKey: string;
  /** runs:read only. */
  readerKey: string;
  /** The CLI as a child process, configured by JUNCTION_URL / JUNCTION_API_KEY. */
  junction(args: string[], options?: JunctionCallOptions): Promise<CliResult>;
  /** The API's own answer, fetched directly with the admin key, to compare the CLI's --json output with. */
  apiGet(path: string): Promise<{ status: number; text: string }>;
  /** A file in the stack's temporary folder. */
  writeTemp(name: string, content: string): Promise<string>;
  /** Repeats a CLI call until `done` (visibility and audit rows trail the calls that cause them). */
  eventually(read: () => Promise<CliResult>, done: (result: CliResult) => boolean, timeoutMs?: number): Promise<CliResult>;
  close(): Promise<void>;
}

export async function startCliStack(label: string, { worker: withWorker }: { worker: boolean }): Promise<CliStack> {
  const [db, smtp, temporalServer] = await Promise.all([createTestDatabase(label), startSmtpSink(), getDevServer()]);
  const config: Config = loadConfig(
    {
      TEMPORAL_ADDRESS: temporalServer.address,
      TEMPORAL_NAMESPACE: temporalServer.namespace,
      TEMPORAL_TASK_QUEUE: uniqueId(label.replace(/_/g, '-')),
      DATABASE_URL: db.url,
      SMTP_URL: smtp.url,
      LOG_LEVEL: 'error',
    },
    false,
  );
  const registry: ConnectorRegistry = createDefaultRegistry({ config, models: db.models });
  let worker: JunctionWorker | null = null;
  if (withWorker) {
    worker = await createJunctionWorker(
      { address: temporalServer.address, namespace: temporalServer.namespace, taskQueue: config.temporal.taskQueue, shutdownGraceSeconds: 5, workflowBundle: await bundleWorkflows() },
      createActivities({ connectors: registry }),
    );
    void worker.run();
  }
  const connection = await Connection.connect({ address: temporalServer.address });
  const temporal = new Client({ connection, namespace: temporalServer.namespace });
  const api = await startApiServer(createApp({ config, temporal, models: db.models, connectors: registry }), 0);
  const keys = createApiKeysService({ apiKeys: db.models.ApiKey });
  const adminKey = (await keys.createKey({ name: 'ops', scopes: ['admin'] })).key;
  const readerKey = (await keys.createKey({ name: 'dashboard', scopes: ['runs:read'] })).key;
  const workDir = await mkdtemp(join(tmpdir(), 'junction-cli-'));

  return {
    db,
    smtp,
    temporal,
    api,
    adminKey,
    readerKey,
    junction: (args, options = {}) =>
      runJunction(args, {
        url: options.url ?? api.url,
        ...(options.key === null ? {} : { key: options.key ?? adminKey }),
        ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
        ...(options.interruptOnStderr === undefined ? {} : { interruptOnStderr: options.interruptOnStderr }),
      }),
    async apiGet(path) {
      const response = await fetch(api.url + path, { headers: { authorization: `Bearer ${adminKey}` } });
      return { status: response.status, text: await response.text() };
    },
    async writeTemp(name, content) {
      const path = join(workDir, name);
      await writeFile(path, content);
      return path;
    },
    async eventually(read, done, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const result = await read();
        if (done(result) || Date.now() > deadline) return result;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    },
    async close() {
      await api.close();
      await worker?.shutdown();
      await connection.close();
      await registry.close();
      await smtp.close();
      await db.destroy();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}
