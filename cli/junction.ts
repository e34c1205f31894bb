/**
 * The `junction` ops CLI (bin/junction.cjs runs this file through tsx). Every exit code is
 * decided here or by the command (see exit-codes.ts).
 */
import { CommanderError } from 'commander';
import { ApiError, CliError } from './cli-errors';
import type { CliIo } from './command-context';
import { EXIT, type ExitCode } from './exit-codes';
import { errorLine } from './output/problem-line';
import { createProgram } from './program';

function commanderExit(error: CommanderError): ExitCode {
  // --help and --version exit 0; every other commander error is a usage error.
  return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
}

export async function main(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT.OK;
  const program = createProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return commanderExit(error);
    // With --json the problem body goes to stdout as well, so a script reads the error as JSON.
    if (error instanceof ApiError && program.opts<{ json?: boolean }>().json && error.problem)
      io.stdout.write(`${error.text}\n`);
    io.stderr.write(`junction: ${errorLine(error)}\n`);
    return error instanceof CliError ? error.exitCode : EXIT.UNEXPECTED;
  }
}

/** Runs the CLI in this process with its arguments and standard streams. */
export function runCli(): void {
  // `junction runs list | head` closes stdout early: that is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT.OK);
    throw error;
  });
  void main(process.argv, { stdout: process.stdout, stderr: process.stderr }).then((code) => {
    process.exitCode = code;
  });
}

if (require.main === module) runCli();
