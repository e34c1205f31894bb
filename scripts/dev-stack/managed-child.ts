import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ManagedChild {
  readonly name: string;
  readonly pid: number;
  /** Settles when the process has exited, for whatever reason. */
  readonly exited: Promise<ExitInfo>;
  readonly hasExited: () => boolean;
  /** Sends `signal`, waits up to `graceMs`, then kills the whole process group. */
  stop(graceMs: number, signal?: NodeJS.Signals): Promise<ExitInfo>;
  /** Last resort on process exit: synchronous, no waiting. */
  killNow(): void;
}

const live = new Set<ManagedChild>();

/** Children spawned by this process that have not exited yet, oldest first. */
export function liveChildren(): ManagedChild[] {
  return [...live];
}

export interface SpawnOptions {
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Append stdout and stderr to this file; otherwise they go to our own stdout/stderr. */
  readonly logFile?: string;
}

/**
 * Spawns a child in its own process group. A terminal's Ctrl-C then reaches only us, so we
 * decide the shutdown order (the app first, then the servers it depends on); the group lets a
 * last-resort kill also reach grandchildren.
 */
export function spawnManaged(name: string, command: string, options: SpawnOptions): ManagedChild {
  let output: number | 'inherit' = 'inherit';
  if (options.logFile) {
    mkdirSync(dirname(options.logFile), { recursive: true });
    output = openSync(options.logFile, 'a');
  }
  let child: ChildProcess;
  try {
    child = spawn(command, [...options.args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', output, output],
    });
  } finally {
    if (typeof output === 'number') closeSync(output);
  }

  let exitInfo: ExitInfo | null = null;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
    // A spawn failure (ENOENT, EACCES) emits 'error' and no 'exit'.
    child.once('error', (error) => {
      console.error(`${name}: ${error.message}`);
      exitInfo ??= { code: 127, signal: null };
      resolve(exitInfo);
    });
  });
  const pid = child.pid ?? -1;

  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch {
      // Already gone.
    }
  };

  const managed: ManagedChild = {
    name,
    pid,
    exited,
    hasExited: () => exitInfo !== null,
    async stop(graceMs, signal = 'SIGTERM') {
      if (exitInfo) return exitInfo;
      // Signal the leader only: wrappers such as npm or tsx relay it, and a signal sent to the
      // whole group would reach their children twice.
      child.kill(signal);
      const timer = new Promise<'timeout'>((resolve) => setTimeout(resolve, graceMs, 'timeout').unref());
      if ((await Promise.race([exited, timer])) === 'timeout') {
        console.error(`${name} did not stop within ${Math.round(graceMs / 1000)} s; killing it`);
        signalGroup('SIGKILL');
      }
      return exited;
    },
    killNow() {
      if (!exitInfo && pid > 0) signalGroup('SIGKILL');
    },
  };
  live.add(managed);
  void exited.then(() => live.delete(managed));
  return managed;
}

export function describeExit(info: ExitInfo): string {
  return info.signal ? `signal ${info.signal}` : `exit code ${info.code ?? '?'}`;
}
