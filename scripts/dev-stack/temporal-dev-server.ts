import { readFileSync } from 'node:fs';
import { Connection } from '@temporalio/client';
import { spawnManaged, describeExit, type ManagedChild } from './managed-child';

export type SearchAttributeCliType = 'Text' | 'Keyword' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList';

type IndexedValueType = NonNullable<
  Parameters<Connection['operatorService']['addSearchAttributes']>[0]['searchAttributes']
>[string];

/** temporal.api.enums.v1.IndexedValueType, by the names the CLI uses. */
const INDEXED_VALUE_TYPES: Readonly<Record<SearchAttributeCliType, IndexedValueType>> = {
  Text: 1,
  Keyword: 2,
  Int: 3,
  Double: 4,
  Bool: 5,
  Datetime: 6,
  KeywordList: 7,
};

/** Name → the operator API's type codes, for addSearchAttributes. */
export function indexedValueTypes(
  attributes: Readonly<Record<string, SearchAttributeCliType>>,
): Record<string, IndexedValueType> {
  return Object.fromEntries(Object.entries(attributes).map(([name, type]) => [name, INDEXED_VALUE_TYPES[type]]));
}

export interface DevServerOptions {
  /** The `temporal` CLI executable. */
  readonly cliPath: string;
  readonly ip: string;
  readonly port: number;
  /** Web UI port; null runs headless. */
  readonly uiPort: number | null;
  /** SQLite file for state that survives restarts; null keeps everything in memory. */
  readonly dbFilename: string | null;
  readonly namespace: string;
  readonly searchAttributes: Readonly<Record<string, SearchAttributeCliType>>;
  /** Server output goes here; without it, to our stdout. */
  readonly logFile?: string;
  /** How long to wait for the frontend to answer; the server needs ~2 s idle, more under load. */
  readonly readyTimeoutMs: number;
}

export interface RunningDevServer {
  readonly address: string;
  readonly namespace: string;
  readonly child: ManagedChild;
}

function devServerArgs(options: DevServerOptions): string[] {
  const args = [
    'server',
    'start-dev',
    '--ip',
    options.ip,
    '--port',
    String(options.port),
    '--namespace',
    options.namespace,
  ];
  args.push('--log-format', 'json', '--log-level', 'warn');
  if (options.dbFilename) args.push('--db-filename', options.dbFilename);
  if (options.uiPort === null) args.push('--headless');
  else args.push('--ui-port', String(options.uiPort));
  for (const [name, type] of Object.entries(options.searchAttributes))
    args.push('--search-attribute', `${name}=${type}`);
  return args;
}

function logTail(logFile: string | undefined, lines = 15): string {
  if (!logFile) return '';
  try {
    const tail = readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    return tail ? `\nLast lines of ${logFile}:\n${tail}` : '';
  } catch {
    return '';
  }
}

/** Polls until the frontend answers and the namespace exists; fails early if the server died. */
async function connectWhenReady(
  address: string,
  namespace: string,
  child: ManagedChild,
  timeoutMs: number,
): Promise<Connection> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    if (child.hasExited())
      throw new Error(`Temporal dev server exited during start-up (${describeExit(await child.exited)})`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: '2s' });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return connection;
      } catch (error) {
        await connection.close();
        throw error;
      }
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
  throw new Error(`Temporal dev server at ${address} was not ready within ${timeoutMs / 1000} s${reason}`);
}

/**
 * Registers any custom search attribute the namespace lacks. `--search-attribute` only takes
 * effect when the SQLite file is new: with an existing file the server starts fine but silently
 * skips new attributes, so a later `npm start` would miss ones added to the code since.
 */
export async function ensureSearchAttributes(
  connection: Connection,
  namespace: string,
  wanted: Readonly<Record<string, SearchAttributeCliType>>,
): Promise<string[]> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const existing = customAttributes ?? {};
  const missing: Record<string, IndexedValueType> = {};
  const conflicts: string[] = [];
  for (const [name, type] of Object.entries(wanted)) {
    const have = existing[name];
    if (have === undefined) missing[name] = INDEXED_VALUE_TYPES[type];
    else if (have !== INDEXED_VALUE_TYPES[type]) conflicts.push(`${name} (want ${type})`);
  }
  if (conflicts.length > 0) {
    throw new Error(
      `Search attributes registered with another type: ${conflicts.join(', ')}. A type cannot change in place; remove the dev server's database file to start afresh.`,
    );
  }
  if (Object.keys(missing).length > 0) {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
  }
  return Object.keys(missing);
}

/** Starts `temporal server start-dev` and resolves once it serves `namespace` with the attributes. */
export async function startTemporalDevServer(options: DevServerOptions): Promise<RunningDevServer> {
  const address = `${options.ip}:${options.port}`;
  const child = spawnManaged('temporal dev server', options.cliPath, {
    args: devServerArgs(options),
    logFile: options.logFile,
  });
  let connection: Connection;
  try {
    connection = await connectWhenReady(address, options.namespace, child, options.readyTimeoutMs);
  } catch (error) {
    await child.stop(5_000);
    throw new Error(`${error instanceof Error ? error.message : String(error)}${logTail(options.logFile)}`, {
      cause: error,
    });
  }
  try {
    await ensureSearchAttributes(connection, options.namespace, options.searchAttributes);
  } catch (error) {
    await child.stop(5_000);
    const where = options.dbFilename ? ` (database file: ${options.dbFilename})` : '';
    throw new Error(`${error instanceof Error ? error.message : String(error)}${where}`, { cause: error });
  } finally {
    await connection.close();
  }
  return { address, namespace: options.namespace, child };
}
