import { writeFileSync } from 'node:fs';
import { historyToJSON, type History } from '../../server/temporal/sdk-internals';
import { configureLogger } from '../../logging/logger';
import { installTemporalRuntime } from '../../server/temporal/runtime';
import { stopDevServer } from './temporal-test-servers';

/** Writes a history in the JSON of `temporal workflow show --output json`, which Worker.runReplayHistory reads back. */
export function writeHistoryFile(path: string, history: History): void {
  writeFileSync(path, `${historyToJSON(history)}\n`);
}

/**
 * Runs a recording (or benchmark) script: only errors logged, as in the tests; the dev server
 * stopped if `main` started one; and the process ended when `main` is (connections it leaves open
 * must not keep it alive), with `process.exitCode`, or 1 if `main` failed.
 */
export function runScript(main: () => Promise<void>): void {
  configureLogger({ level: 'error', format: 'json' });
  installTemporalRuntime('error');
  main()
    .finally(stopDevServer)
    .then(
      () => process.exit(),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
}
