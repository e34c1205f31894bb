/**
 * A Junction intake consumer as its own OS process (`node --import tsx server/main.ts intake`), so
 * a test can kill it the way a machine dies (SIGKILL: jobs in progress stay locked in Redis until
 * their lock expires) and start another. Readiness is its "intake consuming" log line.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawnManaged, type ExitInfo } from '../../scripts/dev-stack/managed-child';
import { REPO_ROOT } from '../../scripts/tool-paths';

export interface IntakeProcess {
  readonly pid: number;
  readonly logFile: string;
  ready(timeoutMs?: number): Promise<void>;
  /** SIGKILL: no shutdown, deliveries in progress cut off. */
  crash(): Promise<ExitInfo>;
  /** SIGTERM (in-progress deliveries finish), SIGKILL after the grace time. */
  stop(graceMs?: number): Promise<ExitInfo>;
}

/** `env` is the process's whole configuration (DATABASE_URL, REDIS_URL, TEMPORAL_*, INTAKE_*). */
export function startIntakeProcess(name: string, env: Record<string, string>, logFile: string): IntakeProcess {
  const child = spawnManaged(name, process.execPath, {
    args: ['--import', 'tsx', join(REPO_ROOT, 'server', 'main.ts'), 'intake'],
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
        if (log.includes('"intake consuming"')) return;
        if (child.hasExited()) throw new Error(`${name} exited before consuming; see ${logFile}`);
        if (Date.now() > deadline) throw new Error(`${name} not consuming after ${timeoutMs} ms; see ${logFile}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    crash: () => child.stop(5_000, 'SIGKILL'),
    stop: (graceMs = 15_000) => child.stop(graceMs, 'SIGTERM'),
  };
}
