import { Command, Option } from 'commander';
import { version } from '../package.json';
import { actionFactory, type CliIo } from './command-context';
import { registerAuditCommands } from './commands/audit';
import { registerConnectorsCommands } from './commands/connectors';
import { registerKeysCommands } from './commands/keys';
import { registerRunsCommands } from './commands/runs';
import { registerSchedulesCommands } from './commands/schedules';
import { registerWorkflowsCommands } from './commands/workflows';
import { registerFlowsCommands } from './commands/flows';
import type { ExitCode } from './exit-codes';
import { parseApiUrl, parseSeconds } from './option-parsers';

export const DEFAULT_API_URL = 'http://127.0.0.1:3000';

/**
 * The `junction` command tree. Usage errors throw a CommanderError (exitOverride) instead of
 * exiting, so the entry point decides every exit code in one place.
 */
export function createProgram(io: CliIo, recordExit: (code: ExitCode) => void): Command {
  const program = new Command('junction')
    .description('Operate Junction through its API: runs, workflows, schedules, connectors and keys.')
    .version(version)
    .addOption(
      new Option('--url <url>', 'the Junction API').env('JUNCTION_URL').default(DEFAULT_API_URL).argParser(parseApiUrl),
    )
    // Prefer the environment: a --key on the command line is visible to other users in `ps`.
    .addOption(new Option('--key <key>', 'API key (sent as a Bearer token; never printed)').env('JUNCTION_API_KEY'))
    .option('--json', 'machine output: the API’s JSON on stdout and nothing else')
    .option('-q, --quiet', 'only ids and essentials on stdout; no notices or progress')
    .addOption(
      new Option('--request-timeout <seconds>', 'give up on an API call after this long')
        .argParser(parseSeconds)
        .default(60),
    )
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(`junction: ${text}`),
    })
    .showHelpAfterError('(add --help for usage)');

  const define = actionFactory(io, recordExit);
  registerRunsCommands(program, define);
  registerWorkflowsCommands(program, define);
  registerFlowsCommands(program, define);
  registerSchedulesCommands(program, define);
  registerConnectorsCommands(program, define);
  registerKeysCommands(program, define);
  registerAuditCommands(program, define);
  return program;
}
