/**
 * A Junction worker as its own OS process (`node --import tsx server/main.ts worker`), so a test
 * can kill it the way a machine dies (SIGKILL: no shutdown, in-flight activities lost) and start
 * another. Its output goes to a log file; readiness is its "worker polling" log line.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawnManaged, type ExitInfo, type ManagedChild } from '../../scripts/dev-stack/managed-child';
import { REPO_ROOT } from '../../scripts/tool-paths';

export interface WorkerProcess {
  readonly pid: number;
  readonly logFile: string;
  /** Resolves once the worker polls its task queue; rejects if it exits first or takes too long. */
  ready(timeoutMs?: number): Promise<void>;
  /** SIGKILL: the process dies mid-activity, as on a crashed machine. */
  crash(): Promise<ExitInfo>;
  /** Graceful stop (SIGTERM), SIGKILL after the grace time. */
  stop(graceMs?: number): Promise<ExitInfo>;
}

/** `env` is the worker's whole configuration (DATABASE_URL, TEMPORAL_*, CONNECTORS_FILE …): nothing else of ours leaks in. */
export function startWorkerProcess(name: string, env: Record<string, string>, logFile: string): WorkerProcess {
  const child: ManagedChild = spawnManaged(name, process.execPath, {
    args: ['--import', 'tsx', join(REPO_ROOT, 'server', 'main.ts'), 'worker'],
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test', LOG_FORMAT: 'json', ...env },
    logFile,
  });
  return {
    pid: child.pid,
    logFile,
    async ready(timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const log = await readFile(logFile, 'utf8').catch(() => '');
        if (log.includes('"worker polling"')) return;
        if (child.hasExited()) throw new Error(`${name} exited before polling; see ${logFile}`);
        if (Date.now() > deadline) throw new Error(`${name} not polling after ${timeoutMs} ms; see ${logFile}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    crash: () => child.stop(5_000, 'SIGKILL'),
    stop: (graceMs = 15_000) => child.stop(graceMs, 'SIGTERM'),
  };
}
