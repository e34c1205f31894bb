import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { ApiClient } from './api-client';
import type { ExitCode } from './exit-codes';
import { Output } from './output/output';

/** The options every command takes (before or after its name). */
export interface GlobalOptions {
  url: string;
  key?: string;
  json?: boolean;
  quiet?: boolean;
  /** Seconds. */
  requestTimeout: number;
}

export interface CommandContext {
  api: ApiClient;
  out: Output;
}

export interface CliIo {
  stdout: Writable;
  stderr: Writable;
}

/** What an action returns: its exit code, or nothing for 0. */
export type ActionResult = Promise<ExitCode | void>;

/**
 * Wraps a command's handler as a commander action: builds the API client and output from the
 * global options and records the exit code the handler chose. Commander calls actions with the
 * positional arguments, then the command's options, then the command itself.
 */
export type Define = <A extends unknown[]>(
  handler: (ctx: CommandContext, ...args: A) => ActionResult,
) => (...received: unknown[]) => Promise<void>;

export function actionFactory(io: CliIo, record: (code: ExitCode) => void): Define {
  return <A extends unknown[]>(handler: (ctx: CommandContext, ...args: A) => ActionResult) =>
    async (...received: unknown[]): Promise<void> => {
      const command = received[received.length - 1] as Command;
      const globals = command.optsWithGlobals<GlobalOptions>();
      const ctx: CommandContext = {
        api: new ApiClient({ baseUrl: globals.url, key: globals.key, timeoutMs: globals.requestTimeout * 1000 }),
        out: new Output({
          json: globals.json === true,
          quiet: globals.quiet === true,
          stdout: io.stdout,
          stderr: io.stderr,
        }),
      };
      const code = await handler(ctx, ...(received.slice(0, -1) as A));
      if (code !== undefined) record(code);
    };
}
