import { Command } from 'commander';
import { version } from '../../package.json';
import type { ExitCode } from '../../cli/exit-codes';
import { adminActionFactory, type AdminIo } from './admin-context';
import { registerKeysCommands } from './keys-commands';
import { registerMigrateCommands } from './migrate-commands';
import { registerSandboxCommands } from './sandbox-commands';
import { registerVaultCommands } from './vault-commands';

/**
 * The `junction-admin` command tree: local administration straight on the database (DATABASE_URL),
 * for installs and for when the API is down. Usage errors throw a CommanderError (exitOverride)
 * instead of exiting, so the entry point decides every exit code in one place.
 */
export function createAdminProgram(io: AdminIo, recordExit: (code: ExitCode) => void): Command {
  const program = new Command('junction-admin')
    .description(
      'Administer a Junction install locally, straight on its database (DATABASE_URL): ' +
        'schema migrations, API keys, the credential vault and the sandbox vendor.',
    )
    .version(version)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(`junction-admin: ${text}`),
    })
    // The old per-tool scripts printed their usage on a bad argument; the command's help does that.
    .showHelpAfterError()
    .addHelpText(
      'after',
      '\nConfiguration comes from the environment, as for the server (DATABASE_URL, JUNCTION_MASTER_KEY …).\n' +
        'npm shortcuts: npm run migrate | keys | vault | sandbox -- <command> …',
    );

  const define = adminActionFactory(io, recordExit);
  registerMigrateCommands(program, define);
  registerKeysCommands(program, define);
  registerVaultCommands(program, define);
  registerSandboxCommands(program, define);
  return program;
}
