/** The stack of the flows API suites: the API (createApp on port 0) over a fresh database, no worker, and flow files from test/fixtures/flows. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import winston from 'winston';
import { loadConfig } from '../../config';
import { createApp } from '../../server/api/app';
import { createApiKeysService } from '../../server/auth/api-keys.service';
import { startApiServer, type RunningApiServer } from '../../server/api/server';
import { getLogger, replaceLogger, type Logger } from '../../logging/logger';
import { replyOf, type Reply } from '../support/api-client';
import { uniqueId } from '../support/order-fixtures';
import { getDevServer } from '../support/temporal-test-servers';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

export const FLOW_FIXTURES = join(__dirname, '../fixtures/flows');

export function flowFixture(file: string): Promise<string> {
  return readFile(join(FLOW_FIXTURES, file), 'utf8');
}

export interface FlowsApiStack {
  db: TestDatabase;
  temporal: Client;
  server: RunningApiServer;
  taskQueue: string;
  createKey(name: string, scopes: string[]): Promise<string>;
  /** POST /v1/flows with a text body. */
  publish(key: string, text: string, contentType?: string, query?: string): Promise<Reply>;
  close(): Promise<void>;
}

export async function startFlowsApiStack(label: string): Promise<FlowsApiStack> {
  const previousLogger: Logger = getLogger();
  replaceLogger(winston.createLogger({ silent: true }));
  const db = await createTestDatabase(label);
  const temporalServer = await getDevServer();
  const connection = await Connection.connect({ address: temporalServer.address });
  const temporal = new Client({ connection, namespace: temporalServer.namespace });
  // No worker polls this queue: started runs stay RUNNING, which is what these suites inspect.
  const config = loadConfig({
    TEMPORAL_NAMESPACE: temporalServer.namespace,
    TEMPORAL_TASK_QUEUE: uniqueId(label.replace(/_/g, '-')),
  });
  const server = await startApiServer(
    createApp({ config, temporal, models: db.models, timeouts: { queryMs: 300 } }),
    0,
  );
  const keys = createApiKeysService({ apiKeys: db.models.ApiKey });
  return {
    db,
    temporal,
    server,
    taskQueue: config.temporal.taskQueue,
    createKey: async (name, scopes) => (await keys.createKey({ name, scopes })).key,
    async publish(key, text, contentType = 'application/yaml', query = '') {
      const response = await fetch(`${server.url}/v1/flows${query}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': contentType },
        body: text,
      });
      return replyOf(response);
    },
    async close() {
      await server.close();
      await connection.close();
      await db.destroy();
      replaceLogger(previousLogger);
    },
  };
}
