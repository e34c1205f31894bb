/**
 * Runs the `junction` CLI the way a shell does: its bin (bin/junction.cjs) as a child process,
 * configured only through the environment and arguments given here.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { REPO_ROOT } from '../../scripts/tool-paths';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  url: string;
  /** Given as JUNCTION_API_KEY; omitted when undefined. */
  key?: string;
  /** Written to the CLI's stdin (it is closed either way). */
  stdin?: string;
  timeoutMs?: number;
  /** Sends SIGINT (Ctrl-C) once stderr shows this (e.g. the first progress line). */
  interruptOnStderr?: RegExp;
}

export async function runJunction(args: readonly string[], options: CliRunOptions): Promise<CliResult> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'junction.cjs'), ...args], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      JUNCTION_URL: options.url,
      ...(options.key === undefined ? {} : { JUNCTION_API_KEY: options.key }),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  let interrupted = false;
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    if (!interrupted && options.interruptOnStderr?.test(stderr)) {
      interrupted = true;
      child.kill('SIGINT');
    }
  });
  child.stdin.end(options.stdin ?? '');
  const timeoutMs = options.timeoutMs ?? 60_000;
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
    if (signal === 'SIGKILL')
      throw new Error(`junction ${args.join(' ')} did not finish in ${timeoutMs} ms; stderr: ${stderr}`);
    return { code, stdout, stderr };
  } finally {
    clearTimeout(timer);
  }
}

/** A local port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
