import type { Writable } from 'node:stream';
import { loadConfig, type Config } from '../../config';
import type { ExitCode } from '../../cli/exit-codes';
import { openDatabase, type Database } from '../db/database';
import { ensureDatabase } from '../db/ensure-database';
import { migrateUp } from '../db/migrate';
import { configureLogger } from '../../logging/logger';

export interface AdminIo {
  stdout: Writable;
  stderr: Writable;
}

/** What a command prints: stdout is its result (scripts read it), stderr its complaints. */
export interface AdminOutput {
  line(text: string): void;
  problem(text: string): void;
}

/** What an action returns: its exit code, or nothing for 0. */
export type AdminActionResult = Promise<ExitCode | void>;

/**
 * Wraps a command's handler as a commander action and records the exit code it chose. Commander
 * calls actions with the positional arguments, then the command's options, then the command.
 */
export type AdminDefine = <A extends unknown[]>(
  handler: (out: AdminOutput, ...args: A) => AdminActionResult,
) => (...received: unknown[]) => Promise<void>;

export function adminActionFactory(io: AdminIo, record: (code: ExitCode) => void): AdminDefine {
  const out: AdminOutput = {
    line: (text) => io.stdout.write(`${text}\n`),
    problem: (text) => io.stderr.write(`junction-admin: ${text}\n`),
  };
  return <A extends unknown[]>(handler: (out: AdminOutput, ...args: A) => AdminActionResult) =>
    async (...received: unknown[]): Promise<void> => {
      const code = await handler(out, ...(received.slice(0, -1) as A));
      if (code !== undefined) record(code);
    };
}

/**
 * The configuration from the environment, with the logger set up for a command-line tool: stdout
 * belongs to the command's output, so only warnings and errors are logged (everything with debug).
 */
export function loadAdminConfig(): Config {
  const config = loadConfig();
  configureLogger({ level: config.log.level === 'debug' ? 'debug' : 'warn', format: config.log.format });
  return config;
}

/**
 * Runs `work` on the application database, created and migrated first when needed (so every
 * command works on a fresh install), and closes it afterwards.
 */
export async function withDatabase<T>(config: Config, work: (db: Database) => Promise<T>): Promise<T> {
  await ensureDatabase(config.databaseUrl);
  const db = openDatabase(config.databaseUrl);
  try {
    await migrateUp(db.sequelize);
    return await work(db);
  } finally {
    await db.close();
  }
}
