import { join } from 'node:path';
import { spawnManaged, describeExit, type ManagedChild } from './managed-child';
import { portAcceptsConnections } from './ports';

export interface MailCatcherOptions {
  readonly repoRoot: string;
  readonly ip: string;
  readonly smtpPort: number;
  readonly webPort: number;
  readonly logFile: string;
  readonly readyTimeoutMs: number;
}

/** Runs maildev (an npm dependency): catches every email locally and shows it in a web page. */
export async function startMailCatcher(options: MailCatcherOptions): Promise<ManagedChild> {
  const executable = join(
    options.repoRoot,
    'node_modules',
    '.bin',
    process.platform === 'win32' ? 'maildev.cmd' : 'maildev',
  );
  const args = ['--smtp', String(options.smtpPort), '--web', String(options.webPort), '--ip', options.ip];
  const child = spawnManaged('maildev', executable, { args, logFile: options.logFile });
  const deadline = Date.now() + options.readyTimeoutMs;
  while (Date.now() < deadline) {
    if (child.hasExited()) {
      throw new Error(`maildev exited during start-up (${describeExit(await child.exited)}); see ${options.logFile}`);
    }
    const [smtp, web] = await Promise.all([
      portAcceptsConnections(options.smtpPort, options.ip),
      portAcceptsConnections(options.webPort, options.ip),
    ]);
    if (smtp && web) return child;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await child.stop(5_000);
  throw new Error(
    `maildev did not listen on ${options.ip}:${options.smtpPort} within ${options.readyTimeoutMs / 1000} s; see ${options.logFile}`,
  );
}
