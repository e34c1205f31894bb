import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { REPO_ROOT } from '../../scripts/tool-paths';
import { startRoleProcess, type RoleProcess } from '../support/role-process';
import { getDevServer } from '../support/temporal-test-servers';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

interface LogLine {
  level: string;
  message: string;
  [field: string]: unknown;
}

/** Runs the fixture process to its end: its exit code and its JSON log lines. */
async function runFailingProcess(mode: string): Promise<{ code: number | null; lines: LogLine[]; elapsedMs: number }> {
  const started = Date.now();
  const script = join(REPO_ROOT, 'test', 'fixtures', 'process-failure', 'failing-process.ts');
  const result = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, mode], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test' },
    timeout: 30_000,
  }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code: number | null; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
  );
  const lines = result.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
  return { code: result.code, lines, elapsedMs: Date.now() - started };
}

const messages = (lines: LogLine[]): string[] => lines.map((line) => line.message);

const jsonLines = (text: string): LogLine[] =>
  text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);

describe('process failure handlers (a child process that fails as a server might)', function () {
  this.timeout(60_000);

  it('an unhandled rejection is logged as one JSON error line with the stack, the shutdown runs, and the process exits 1', async () => {
    const run = await runFailingProcess('rejection');
    expect(run.code).to.equal(1);
    const failure = run.lines.find((line) => line.message === 'unhandled promise rejection');
    expect(failure, JSON.stringify(run.lines)).to.include({
      level: 'error',
      error: 'provoked rejection',
      errorName: 'Error',
    });
    expect(failure!.stack).to.be.a('string').and.contain('failing-process.ts');
    expect(messages(run.lines)).to.deep.equal([
      'fixture running',
      'unhandled promise rejection',
      'stopping after a process failure',
      'fixture shutdown started',
      'fixture shutdown finished',
    ]);
    expect(run.lines.find((line) => line.message === 'fixture shutdown started')).to.include({
      reason: 'unhandled promise rejection',
    });
  });

  it('an uncaught exception is logged the same way, with its origin, and also shuts down and exits 1', async () => {
    const run = await runFailingProcess('exception');
    expect(run.code).to.equal(1);
    expect(run.lines.find((line) => line.message === 'uncaught exception')).to.include({
      level: 'error',
      error: 'provoked exception',
      errorName: 'TypeError',
      origin: 'uncaughtException',
    });
    expect(messages(run.lines)).to.include('fixture shutdown finished');
  });

  it('a shutdown that does not finish is cut short after the timeout, still exiting 1', async () => {
    const run = await runFailingProcess('stuck-rejection');
    expect(run.code).to.equal(1);
    expect(messages(run.lines)).to.include.members([
      'unhandled promise rejection',
      'fixture shutdown started',
      'shutdown after a process failure did not finish in time; exiting without waiting',
    ]);
    expect(messages(run.lines)).not.to.include('fixture shutdown finished');
    expect(run.elapsedMs).to.be.below(20_000);
  });

  describe('the real server process (server/main.ts intake)', () => {
    let db: TestDatabase;
    let workDir: string;
    let role: RoleProcess | null = null;

    before(async () => {
      db = await createTestDatabase('process_failure');
      workDir = await mkdtemp(join(tmpdir(), 'junction-process-failure-'));
    });

    after(async () => {
      if (role) await role.crash();
      await db?.destroy();
      await rm(workDir, { recursive: true, force: true });
    });

    it('an unhandled rejection while running is logged, the roles stop as on SIGTERM, and the process exits 1', async () => {
      const temporal = await getDevServer();
      const preload = join(REPO_ROOT, 'test', 'fixtures', 'process-failure', 'reject-on-signal.cjs');
      const logFile = join(workDir, 'intake.log');
      role = startRoleProcess(
        'intake',
        'intake-process-failure',
        {
          DATABASE_URL: db.url,
          REDIS_URL: 'redis://127.0.0.1:6379/6',
          TEMPORAL_ADDRESS: temporal.address,
          LOG_LEVEL: 'info',
          SHUTDOWN_GRACE_SECONDS: '5',
          NODE_OPTIONS: `--require ${preload}`,
        },
        logFile,
      );
      await role.ready();
      process.kill(role.pid, 'SIGUSR2');
      const exit = await Promise.race([
        role.exited,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no exit; see ${logFile}`)), 40_000)),
      ]);
      expect(exit).to.deep.equal({ code: 1, signal: null });
      const lines = jsonLines(await readFile(logFile, 'utf8'));
      expect(lines.find((line) => line.message === 'unhandled promise rejection')).to.include({
        level: 'error',
        error: 'rejection provoked by the test (SIGUSR2)',
      });
      expect(lines.find((line) => line.message === 'shutting down')).to.include({
        reason: 'unhandled promise rejection',
      });
      expect(messages(lines)).to.include('stopped');
      role = null;
    });
  });
});
