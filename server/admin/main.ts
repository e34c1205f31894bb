/**
 * `junction-admin` (bin/junction-admin.cjs, `npm run admin -- …`, and the shortcuts `npm run
 * migrate | keys | vault | sandbox -- …`). Every exit code is decided here or by the command.
 */
import { CommanderError } from 'commander';
import { ConnectionError, ValidationError } from 'sequelize';
import { ZodError } from 'zod';
import { CliError } from '../../cli/cli-errors';
import { exitCodeForStatus } from '../../cli/exit-codes';
import { ConfigError } from '../../config';
import { isVaultError } from '../../connectors/vault';
import { AppError } from '../errors/app-error';
import type { AdminIo } from './admin-context';
import { ADMIN_EXIT, type AdminExitCode } from './admin-exit-codes';
import { createAdminProgram } from './admin-program';

/** Socket errors of the database driver: the database is down or unreachable; retrying later may help. */
const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);

function isUnreachable(error: unknown): error is Error {
  if (error instanceof ConnectionError) return true;
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && NETWORK_ERROR_CODES.has(code);
}

/** One line (or, for a bad environment, one line per problem) and the exit code for a failure. */
function describeFailure(error: unknown): { message: string; code: AdminExitCode } {
  if (error instanceof ConfigError) return { message: error.message, code: ADMIN_EXIT.CONFIG };
  if (error instanceof ZodError)
    return {
      message: error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
      code: ADMIN_EXIT.USAGE,
    };
  if (error instanceof AppError) {
    const fields = error.errors?.map((e) => `${e.field}: ${e.message}`).join('; ');
    return { message: fields ? `${error.detail} [${fields}]` : error.detail, code: exitCodeForStatus(error.status) };
  }
  // The vault refuses in the current state: no master key, a record under a key it lacks, a tampered record.
  if (isVaultError(error)) return { message: error.message, code: ADMIN_EXIT.REFUSED };
  if (isUnreachable(error))
    return { message: `the database cannot be reached: ${error.message}`, code: ADMIN_EXIT.UNAVAILABLE };
  if (error instanceof ValidationError) return { message: error.message, code: ADMIN_EXIT.USAGE };
  if (error instanceof CliError) return { message: error.message, code: error.exitCode };
  return {
    message: `unexpected error: ${error instanceof Error ? error.message : String(error)}`,
    code: ADMIN_EXIT.UNEXPECTED,
  };
}

/** `argv` as process.argv: node, the script, then the arguments. */
export async function runAdmin(argv: readonly string[], io: AdminIo): Promise<AdminExitCode> {
  let exitCode: AdminExitCode = ADMIN_EXIT.OK;
  const program = createAdminProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    // --help and --version exit 0; every other commander error is a usage error.
    if (error instanceof CommanderError) return error.exitCode === 0 ? ADMIN_EXIT.OK : ADMIN_EXIT.USAGE;
    const failure = describeFailure(error);
    io.stderr.write(`junction-admin: ${failure.message}\n`);
    return failure.code;
  }
}

/** Runs junction-admin in this process with its arguments and standard streams. */
export function runAdminCli(): void {
  // `junction-admin keys list | head` closes stdout early: that is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(ADMIN_EXIT.OK);
    throw error;
  });
  void runAdmin(process.argv, { stdout: process.stdout, stderr: process.stderr }).then((code) => {
    process.exitCode = code;
  });
}

if (require.main === module) runAdminCli();
