import type { Writable } from 'node:stream';
import type { CommandContext } from '../command-context';
import { EXIT, type ExitCode } from '../exit-codes';
import { progressDisplay, silentDisplay, type ProgressDisplay } from '../output/progress-display';
import { runDetails } from '../output/run-render';
import { exitCodeOfRun, watchRun } from '../run-watcher';

export interface WaitOptions {
  /** Seconds; undefined waits as long as the run takes. */
  timeout?: number;
  pollInterval: number;
}

function displayFor(ctx: CommandContext): ProgressDisplay {
  const stderr = ctx.out.stderr as Writable & { isTTY?: boolean };
  // Live progress is for people: never with --quiet, and with --json only on a terminal.
  if (ctx.out.quiet || (ctx.out.json && !stderr.isTTY)) return silentDisplay;
  return progressDisplay(stderr);
}

/**
 * Shows a run's progress until it closes, then its details (or, with --json, the last
 * GET /v1/runs/:id body). Exit code: 0 completed, 1 any other end, 8 still open at the timeout,
 * 130 on Ctrl-C (the run goes on).
 */
export async function waitForRun(ctx: CommandContext, workflowId: string, options: WaitOptions): Promise<ExitCode> {
  const display = displayFor(ctx);
  const onInterrupt = () => {
    display.stop();
    ctx.out.notice(`Stopped watching ${workflowId}; the run goes on.`);
    process.exit(EXIT.INTERRUPTED);
  };
  process.once('SIGINT', onInterrupt);
  try {
    const outcome = await watchRun(ctx.api, workflowId, {
      intervalMs: options.pollInterval,
      timeoutMs: options.timeout === undefined ? null : options.timeout * 1000,
      onView: (view) => display.show(view),
    });
    display.stop();
    if (ctx.out.json) {
      if (outcome.last) ctx.out.printJsonText(outcome.last.text);
    } else if (!ctx.out.quiet && outcome.last) {
      ctx.out.print(runDetails(outcome.last.body));
    }
    if (!outcome.closed) {
      ctx.out.notice(
        `${workflowId} is still ${outcome.last?.body.status ?? 'open'} after ${options.timeout ?? 0} s; stopped waiting.`,
      );
      return EXIT.WAIT_TIMEOUT;
    }
    return exitCodeOfRun(outcome.last.body);
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
}
