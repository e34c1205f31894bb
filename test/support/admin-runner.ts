/**
 * Runs `junction-admin` the way a shell does: its bin (bin/junction-admin.cjs) as a child process,
 * configured only through the environment and arguments given here.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../scripts/tool-paths';

export interface AdminRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `env` adds to (or, with undefined, removes from) a minimal environment naming the database. */
export async function runJunctionAdmin(
  databaseUrl: string,
  args: readonly string[],
  env: Record<string, string | undefined> = {},
): Promise<AdminRun> {
  return runChild(process.execPath, [join(REPO_ROOT, 'bin', 'junction-admin.cjs'), ...args], databaseUrl, env);
}

/** `npm run <script> -- <args>`: the shortcuts package.json keeps for the old per-tool scripts. */
export async function runNpmScript(databaseUrl: string, script: string, args: readonly string[]): Promise<AdminRun> {
  return runChild('npm', ['run', '--silent', script, '--', ...args], databaseUrl, {});
}

async function runChild(
  file: string,
  args: readonly string[],
  databaseUrl: string,
  env: Record<string, string | undefined>,
): Promise<AdminRun> {
  try {
    const { stdout, stderr } = await promisify(execFile)(file, [...args], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        DATABASE_URL: databaseUrl,
        ...env,
      },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number | string; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}
