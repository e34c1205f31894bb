/**
 * The deployment most integration and e2e suites run against: a freshly migrated test database,
 * an SMTP sink, a Junction worker on the shared dev server with the suite's own task queue, and
 * the admin API (createApp on port 0) sharing the worker's connector registry. Each call builds a
 * separate stack, so suites never share a database, task queue or mailbox.
 */
import { Client, Connection } from '@temporalio/client';
import type { WorkflowBundle } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { loadConfig, type Config } from '../../config';
import { createDefaultRegistry, type ConnectorRegistry } from '../../connectors/registry';
import { createApp } from '../../server/api/app';
import { loadApprovalPolicies } from '../../server/approvals/approval-policies-file';
import { createApiKeysService } from '../../server/auth/api-keys.service';
import { startApiServer, type RunningApiServer } from '../../server/api/server';
import { bundleWorkflows, createJunctionWorker, type JunctionWorker } from '../../server/worker/worker';
import { uniqueId } from './order-fixtures';
import { startSmtpSink, type SmtpSink } from './smtp-sink';
import { getDevServer } from './temporal-test-servers';
import { createTestDatabase, type TestDatabase } from './test-database';
import { registryDeps } from '../../server/connectors/registry-deps';

export interface ApiStackOptions {
  /** Names the test database and prefixes the task queue. */
  label: string;
  /** Start a worker on the stack's task queue (default true). */
  worker?: boolean;
  /** Options of the SMTP sink that email.main delivers to. */
  smtp?: Parameters<typeof startSmtpSink>[0];
  /** More configuration variables, e.g. JUNCTION_MASTER_KEY, or APPROVAL_POLICIES_FILE (default: the shipped config/approval-policies.yaml). */
  env?: Record<string, string>;
}

export interface ApiStack {
  db: TestDatabase;
  smtp: SmtpSink;
  config: Config;
  registry: ConnectorRegistry;
  temporal: Client;
  api: RunningApiServer;
  /** A new API key with these scopes, in clear; `actsAs` issues it to that person (an approver's key). */
  createKey(name: string, scopes: string[], actsAs?: string): Promise<string>;
  close(): Promise<void>;
}

// Bundling takes seconds; every stack in a mocha process can run the same bundle.
let bundle: Promise<WorkflowBundle> | undefined;

export async function startApiStack({
  label,
  worker: withWorker = true,
  smtp: smtpOptions,
  env = {},
}: ApiStackOptions): Promise<ApiStack> {
  if (withWorker) bundle ??= bundleWorkflows();
  const [db, smtp, temporalServer] = await Promise.all([
    createTestDatabase(label),
    startSmtpSink(smtpOptions),
    getDevServer(),
  ]);
  const config = loadConfig(
    {
      TEMPORAL_ADDRESS: temporalServer.address,
      TEMPORAL_NAMESPACE: temporalServer.namespace,
      TEMPORAL_TASK_QUEUE: uniqueId(label.replace(/_/g, '-')),
      DATABASE_URL: db.url,
      SMTP_URL: smtp.url,
      LOG_LEVEL: 'error',
      ...env,
    },
    false,
  );
  const registry = createDefaultRegistry(registryDeps(config, db.models));
  let worker: JunctionWorker | null = null;
  if (bundle && withWorker) {
    worker = await createJunctionWorker(
      {
        address: temporalServer.address,
        namespace: temporalServer.namespace,
        taskQueue: config.temporal.taskQueue,
        shutdownGraceSeconds: 5,
        workflowBundle: await bundle,
      },
      createActivities({
        connectors: registry,
        approvalPolicies: await loadApprovalPolicies(config.approvalPoliciesFile),
      }),
    );
    void worker.run();
  }
  const connection = await Connection.connect({ address: temporalServer.address });
  const temporal = new Client({ connection, namespace: temporalServer.namespace });
  const api = await startApiServer(createApp({ config, temporal, models: db.models, connectors: registry }), 0);
  const keys = createApiKeysService({ apiKeys: db.models.ApiKey });

  return {
    db,
    smtp,
    config,
    registry,
    temporal,
    api,
    createKey: async (name, scopes, actsAs) =>
      (await keys.createKey({ name, scopes, ...(actsAs ? { actsAs } : {}) })).key,
    async close() {
      await api.close();
      await worker?.shutdown();
      await connection.close();
      await registry.close();
      await smtp.close();
      await db.destroy();
    },
  };
}
