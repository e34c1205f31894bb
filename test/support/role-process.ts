/**
 * A Junction role as its own OS process (`node --import tsx server/main.ts <role>`), so a test can
 * kill it the way a machine dies (SIGKILL: no shutdown; a worker loses its in-flight activities,
 * an intake consumer leaves its jobs locked in Redis until their lock expires) and start another.
 * Its output goes to a log file; readiness is the role's own log line.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawnManaged, type ExitInfo } from '../../scripts/dev-stack/managed-child';
import { REPO_ROOT } from '../../scripts/tool-paths';
import { eventually } from './eventually';

/** The log message each role writes once it does its work: the worker polls, the intake consumes. */
const READY_MESSAGE = { worker: 'worker polling', intake: 'intake consuming' } as const;

export type ProcessRole = keyof typeof READY_MESSAGE;

export interface RoleProcess {
  readonly pid: number;
  readonly logFile: string;
  /** Settles when the process has exited, for whatever reason. */
  readonly exited: Promise<ExitInfo>;
  /** Resolves once the role's ready line is logged; rejects if it exits first or takes too long. */
  ready(timeoutMs?: number): Promise<void>;
  /** SIGKILL: the process dies mid-work, as on a crashed machine. */
  crash(): Promise<ExitInfo>;
  /** Graceful stop (SIGTERM: work in progress finishes), SIGKILL after the grace time. */
  stop(graceMs?: number): Promise<ExitInfo>;
}

/** `env` is the process's whole configuration (DATABASE_URL, REDIS_URL, TEMPORAL_*, INTAKE_*, CONNECTORS_FILE …): nothing else of ours leaks in. */
export function startRoleProcess(
  role: ProcessRole,
  name: string,
  env: Record<string, string>,
  logFile: string,
): RoleProcess {
  const child = spawnManaged(name, process.execPath, {
    args: ['--import', 'tsx', join(REPO_ROOT, 'server', 'main.ts'), role],
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test', LOG_FORMAT: 'json', ...env },
    logFile,
  });
  const readyLine = `"${READY_MESSAGE[role]}"`;
  return {
    pid: child.pid,
    logFile,
    exited: child.exited,
    async ready(timeoutMs = 120_000) {
      await eventually(
        `${name} logging ${readyLine} (see ${logFile})`,
        async () => {
          const log = await readFile(logFile, 'utf8').catch(() => '');
          if (child.hasExited() && !log.includes(readyLine))
            throw new Error(`${name} exited before logging ${readyLine}; see ${logFile}`);
          return log.includes(readyLine);
        },
        (logged) => logged,
        { timeoutMs, intervalMs: 200 },
      );
    },
    crash: () => child.stop(5_000, 'SIGKILL'),
    stop: (graceMs = 15_000) => child.stop(graceMs, 'SIGTERM'),
  };
}
