/**
 * What a server process does when a promise rejection goes unhandled or an exception uncaught:
 * log it through winston (one JSON line a log pipeline can alert on, not Node's bare stderr dump),
 * run the same graceful shutdown as SIGTERM so in-flight work is handed back and connections are
 * closed, and exit non-zero, so the supervisor restarts the process in a known state. The shutdown
 * is bounded: a process that cannot stop cleanly after such a failure is ended anyway.
 */
import { inspect } from 'node:util';
import type { Logger } from '../logging/logger';

/** The exit code after such a failure, as Node itself uses for an uncaught exception. */
export const PROCESS_FAILURE_EXIT_CODE = 1;

export interface ProcessFailureHandlerOptions {
  logger: Logger;
  /** The process's graceful shutdown (as on SIGTERM); resolves once everything is stopped. */
  shutdown: (reason: string) => Promise<void>;
  /** How long the shutdown may take before the process exits without waiting for it. */
  shutdownTimeoutMs: number;
  /** process.exit; replaceable so the module can be tested inside a process that must not exit. */
  exit?: (code: number) => void;
  /** process; replaceable for the same reason. */
  target?: NodeJS.EventEmitter;
}

/** The failure as log fields: an Error's name, message and stack; anything else inspected. */
function failureFields(reason: unknown): Record<string, unknown> {
  if (reason instanceof Error) return { error: reason.message, errorName: reason.name, stack: reason.stack };
  return { error: inspect(reason, { depth: 3, breakLength: Infinity }) };
}

/** Installs the handlers; returns a function that removes them. */
export function installProcessFailureHandlers(options: ProcessFailureHandlerOptions): () => void {
  const { logger, shutdown, shutdownTimeoutMs } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const target = options.target ?? process;
  let failing = false;

  // Lets the transports write the last lines before the process ends.
  const exitSoon = (): void => {
    setImmediate(() => exit(PROCESS_FAILURE_EXIT_CODE));
  };

  const fail = (message: string, reason: unknown, extra: Record<string, unknown> = {}): void => {
    logger.error(message, { ...failureFields(reason), ...extra });
    // A second failure while shutting down: logged, and the shutdown under way decides the exit.
    if (failing) return;
    failing = true;
    logger.warn('stopping after a process failure', { shutdownTimeoutMs });
    const timer = setTimeout(() => {
      logger.error('shutdown after a process failure did not finish in time; exiting without waiting', {
        shutdownTimeoutMs,
      });
      exitSoon();
    }, shutdownTimeoutMs);
    let stopping: Promise<void>;
    try {
      stopping = shutdown(message);
    } catch (error) {
      stopping = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    stopping.then(
      () => {
        clearTimeout(timer);
        exitSoon();
      },
      (error: unknown) => {
        clearTimeout(timer);
        logger.error('shutdown after a process failure failed', failureFields(error));
        exitSoon();
      },
    );
  };

  const onRejection = (reason: unknown): void => fail('unhandled promise rejection', reason);
  const onException = (error: unknown, origin: unknown): void => fail('uncaught exception', error, { origin });
  target.on('unhandledRejection', onRejection);
  target.on('uncaughtException', onException);
  return () => {
    target.off('unhandledRejection', onRejection);
    target.off('uncaughtException', onException);
  };
}
