import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { REPO_ROOT } from '../../scripts/tool-paths';

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
});
