import { Client, Connection } from '@temporalio/client';
import { createActivities } from '../../activities';
import { loadApprovalPolicies } from '../../server/approvals/approval-policies-file';
import { createJunctionWorker } from '../../server/worker/worker';
import { startSandboxConnectors, type SandboxConnectors } from './sandbox-connectors';
import { getDevServer, type DevServerAddress } from './temporal-test-servers';
import { sharedWorkflowBundle } from './workflow-bundle';

/** The sandbox connectors served by an in-process production worker on the shared dev server, and a client of it. */
export interface DevServerStack extends SandboxConnectors {
  server: DevServerAddress;
  client: Client;
  /** Stops the worker (in-flight activities finish), closes the client, then the connectors. */
  close(): Promise<void>;
}

export async function startDevServerStack(databaseName: string, taskQueue: string): Promise<DevServerStack> {
  const [server, connectors, bundle] = await Promise.all([
    getDevServer(),
    startSandboxConnectors(databaseName),
    sharedWorkflowBundle(),
  ]);
  const worker = await createJunctionWorker(
    {
      address: server.address,
      namespace: server.namespace,
      taskQueue,
      shutdownGraceSeconds: 5,
      workflowBundle: bundle,
    },
    createActivities({
      connectors: connectors.registry,
      models: connectors.db.models,
      approvalPolicies: await loadApprovalPolicies(null),
    }),
  );
  const running = worker.run();
  const connection = await Connection.connect({ address: server.address });
  return {
    ...connectors,
    server,
    client: new Client({ connection, namespace: server.namespace }),
    async close() {
      await worker.shutdown();
      await running.catch(() => undefined);
      await connection.close();
      await connectors.close();
    },
  };
}
