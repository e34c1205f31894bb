/**
 * Temporal servers for tests. One `temporal server start-dev` serves the whole run (started on
 * first use, so unit-only runs never pay for it; stopped by the root afterAll hook). The
 * time-skipping test server is per suite, as the SDK intends.
 *
 * We spawn the dev server ourselves instead of TestWorkflowEnvironment.createLocal: the SDK
 * gives an ephemeral server 5 s to listen and kills it after, which a loaded CI machine misses.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { liveChildren } from '../../scripts/dev-stack/managed-child';
import { findFreePort } from '../../scripts/dev-stack/ports';
import type { RunningDevServer } from '../../scripts/dev-stack/temporal-dev-server';
import { REPO_ROOT, TEMPORAL_CLI_PATH, TEMPORAL_TEST_SERVER_PATH } from '../../scripts/tool-paths';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../workflows/shared/search-attributes';

export interface DevServerAddress {
  /** host:port of the frontend, for Connection.connect / NativeConnection.connect. */
  readonly address: string;
  readonly namespace: string;
}

const NAMESPACE = 'default';
const READY_TIMEOUT_MS = 60_000;
/** A free port can be taken between our probe and the server's bind; one retry covers that. */
const START_ATTEMPTS = 2;

let devServer: Promise<RunningDevServer> | null = null;

function assertInstalled(path: string): void {
  if (!existsSync(path)) {
    throw new Error(
      `${path} is missing: run \`npm run bootstrap\` (npm test does it first) to install the Temporal tools`,
    );
  }
}

async function startDevServer(): Promise<RunningDevServer> {
  assertInstalled(TEMPORAL_CLI_PATH);
  // Loaded on demand: the root hooks import this module, and unit-only runs skip the ~1 s load.
  const { startTemporalDevServer } = await import('../../scripts/dev-stack/temporal-dev-server.js');
  let lastError: unknown;
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    const port = await findFreePort();
    try {
      return await startTemporalDevServer({
        cliPath: TEMPORAL_CLI_PATH,
        ip: '127.0.0.1',
        port,
        uiPort: null,
        dbFilename: null,
        namespace: NAMESPACE,
        searchAttributes: CUSTOM_SEARCH_ATTRIBUTES,
        logFile: join(REPO_ROOT, '.data', 'test', `temporal-dev-${port}.log`),
        readyTimeoutMs: READY_TIMEOUT_MS,
      });
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

/**
 * The run's shared dev server (full server: visibility, search attributes, schedules). Give each
 * test its own task queue and workflow IDs: other suites use the same server.
 */
export async function getDevServer(): Promise<DevServerAddress> {
  devServer ??= startDevServer();
  const { address, namespace } = await devServer;
  return { address, namespace };
}

/** Called by the root afterAll hook; a no-op when no test asked for the server. */
export async function stopDevServer(): Promise<void> {
  if (!devServer) return;
  const pending = devServer;
  devServer = null;
  const server = await pending.catch(() => null);
  await server?.child.stop(10_000);
}

/**
 * A time-skipping environment on the locally installed test server (the SDK would download
 * one, which fails offline). One at a time: create it in `before`, `teardown()` in `after`.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  assertInstalled(TEMPORAL_TEST_SERVER_PATH);
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const { indexedValueTypes } = await import('../../scripts/dev-stack/temporal-dev-server.js');
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: TEMPORAL_TEST_SERVER_PATH } },
  });
  // The SDK has no search-attribute option for this server, but the server implements the
  // operator call (not the list call); without it every workflow that upserts a custom
  // attribute fails its workflow task ("search attribute ... is not defined").
  try {
    await env.connection.operatorService.addSearchAttributes({
      namespace: 'default',
      searchAttributes: indexedValueTypes(CUSTOM_SEARCH_ATTRIBUTES),
    });
  } catch (error) {
    await env.teardown();
    throw error;
  }
  return env;
}

// The server runs in its own process group, so a crashed or interrupted run must not leave it behind.
process.once('exit', () => liveChildren().forEach((child) => child.killNow()));
