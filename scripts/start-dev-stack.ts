/**
 * `npm start`: the whole of Junction on one machine. Runs a Temporal dev server (unless
 * TEMPORAL_ADDRESS is set) and a mail catcher (unless SMTP_URL is set) as children, then
 * `server/main.ts all` pointed at them. Ctrl-C stops the app first, then the servers it needs.
 * `npm start -- <role>` runs one role (api, worker, intake) instead of all.
 */
import { join } from 'node:path';
import { ConfigError, LOCAL_SMTP_URL, LOCAL_TEMPORAL_ADDRESS, loadConfig, type Config } from '../config';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../workflows/shared/search-attributes';
import { watchLauncher } from './dev-stack/launcher-watch';
import { startMailCatcher } from './dev-stack/mail-catcher';
import { describeExit, liveChildren, spawnManaged, type ManagedChild } from './dev-stack/managed-child';
import { assertPortsFree, portAcceptsConnections, type PortClaim } from './dev-stack/ports';
import { startTemporalDevServer } from './dev-stack/temporal-dev-server';
import { REPO_ROOT, TEMPORAL_CLI_PATH } from './tool-paths';

const LOCAL_IP = '127.0.0.1';
const DATA_DIR = join(REPO_ROOT, '.data');
const SERVER_READY_TIMEOUT_MS = 60_000;
const SERVER_STOP_GRACE_MS = 10_000;
/** Beyond the app's own grace time: closing connections and the database after the worker drains. */
const MAIN_STOP_SLACK_MS = 15_000;

const say = (message: string): void => console.log(`dev stack: ${message}`);

let main: ManagedChild | null = null;
let stopping = false;

/** Stops the app, waits for it, then the servers; exits the process with `exitCode`. */
async function shutdown(reason: string, exitCode: number, config: Config | null): Promise<void> {
  if (stopping) return;
  stopping = true;
  say(`stopping (${reason})`);
  if (main) await main.stop((config?.shutdownGraceSeconds ?? 30) * 1000 + MAIN_STOP_SLACK_MS);
  await Promise.all(liveChildren().map((child) => child.stop(SERVER_STOP_GRACE_MS)));
  say('stopped');
  process.exit(exitCode);
}

/** Any child ending on its own ends the stack: a half-running stack only confuses. */
function superviseChild(child: ManagedChild, config: Config): void {
  void child.exited.then((info) => {
    if (!stopping) void shutdown(`${child.name} exited unexpectedly (${describeExit(info)})`, 1, config);
  });
}

function portOf(address: string): number {
  return Number(new URL(address.includes('://') ? address : `tcp://${address}`).port);
}

function portClaims(config: Config): PortClaim[] {
  const claims: PortClaim[] = [{ host: '0.0.0.0', port: config.port, purpose: 'the API (PORT)' }];
  if (!config.temporal.address) {
    claims.push(
      {
        host: LOCAL_IP,
        port: portOf(LOCAL_TEMPORAL_ADDRESS),
        purpose: 'the Temporal dev server (set TEMPORAL_ADDRESS to use another server)',
      },
      { host: LOCAL_IP, port: config.temporal.uiPort, purpose: 'the Temporal Web UI (TEMPORAL_UI_PORT)' },
    );
  }
  if (!config.smtp.url) {
    claims.push(
      {
        host: LOCAL_IP,
        port: portOf(LOCAL_SMTP_URL),
        purpose: 'the mail catcher (set SMTP_URL to use another SMTP server)',
      },
      { host: LOCAL_IP, port: config.smtp.uiPort, purpose: 'the mail catcher web view (MAIL_UI_PORT)' },
    );
  }
  return claims;
}

async function startTemporal(config: Config): Promise<string> {
  if (config.temporal.address) {
    say(`using Temporal at ${config.temporal.address} (TEMPORAL_ADDRESS)`);
    return config.temporal.address;
  }
  const logFile = join(DATA_DIR, 'temporal', 'server.log');
  say(`starting Temporal dev server (log: ${logFile})`);
  const server = await startTemporalDevServer({
    cliPath: TEMPORAL_CLI_PATH,
    ip: LOCAL_IP,
    port: portOf(LOCAL_TEMPORAL_ADDRESS),
    uiPort: config.temporal.uiPort,
    dbFilename: join(DATA_DIR, 'temporal', 'dev.sqlite'),
    namespace: config.temporal.namespace,
    searchAttributes: CUSTOM_SEARCH_ATTRIBUTES,
    logFile,
    readyTimeoutMs: SERVER_READY_TIMEOUT_MS,
  });
  superviseChild(server.child, config);
  return server.address;
}

async function startMail(config: Config): Promise<string> {
  if (config.smtp.url) {
    say('using the SMTP server in SMTP_URL');
    return config.smtp.url;
  }
  const logFile = join(DATA_DIR, 'maildev', 'maildev.log');
  say(`starting mail catcher (log: ${logFile})`);
  const child = await startMailCatcher({
    repoRoot: REPO_ROOT,
    ip: LOCAL_IP,
    smtpPort: portOf(LOCAL_SMTP_URL),
    webPort: config.smtp.uiPort,
    logFile,
    readyTimeoutMs: SERVER_READY_TIMEOUT_MS,
  });
  superviseChild(child, config);
  return LOCAL_SMTP_URL;
}

async function waitForApi(config: Config, app: ManagedChild): Promise<boolean> {
  const deadline = Date.now() + SERVER_READY_TIMEOUT_MS;
  while (Date.now() < deadline && !app.hasExited() && !stopping) {
    if (await portAcceptsConnections(config.port, LOCAL_IP)) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

function printWhereThingsAre(config: Config, temporalAddress: string, servesApi: boolean): void {
  const lines = servesApi ? [`API                http://${LOCAL_IP}:${config.port}`] : [];
  if (config.temporal.address) lines.push(`Temporal           ${temporalAddress} (external)`);
  else lines.push(`Temporal Web UI    http://${LOCAL_IP}:${config.temporal.uiPort}  (gRPC ${temporalAddress})`);
  if (!config.smtp.url) lines.push(`Mail               http://${LOCAL_IP}:${config.smtp.uiPort}`);
  console.log(`\n  Junction is running. Ctrl-C stops everything.\n${lines.map((l) => `    ${l}`).join('\n')}\n`);
}

async function run(config: Config): Promise<void> {
  await assertPortsFree(portClaims(config));
  const [temporalAddress, smtpUrl] = await Promise.all([startTemporal(config), startMail(config)]);
  if (stopping) return;

  const role = process.argv[2] ?? 'all';
  say(`starting Junction (server/main.ts ${role})`);
  // Node with tsx as a loader rather than the tsx wrapper: one process, so our SIGTERM is the
  // only one it sees (a second signal makes main.ts exit without draining).
  main = spawnManaged('junction', process.execPath, {
    args: ['--import', 'tsx', join(REPO_ROOT, 'server', 'main.ts'), role],
    cwd: REPO_ROOT,
    env: { ...process.env, TEMPORAL_ADDRESS: temporalAddress, SMTP_URL: smtpUrl },
  });
  superviseChild(main, config);
  const servesApi = role === 'all' || role === 'api';
  if (!servesApi || (await waitForApi(config, main))) printWhereThingsAre(config, temporalAddress, servesApi);
  else if (!stopping) say(`the API is not answering on port ${config.port} yet; see the log above`);
}

function start(): void {
  let config: Config | null = null;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    // Repeated signals (npm and tsx relay the terminal's) must not cut the orderly stop short.
    process.on(signal, () => void shutdown(signal, 0, config));
  }
  watchLauncher(() => void shutdown('the launching process ended', 0, config));
  // Last resort if we die on an exception: no orphaned servers holding the ports.
  process.on('exit', () => liveChildren().forEach((child) => child.killNow()));

  try {
    config = loadConfig();
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(78); // EX_CONFIG, as server/main.ts
  }
  run(config).catch((error: unknown) => {
    console.error(`dev stack: ${error instanceof Error ? error.message : String(error)}`);
    void shutdown('start-up failed', 1, config);
  });
}

start();
