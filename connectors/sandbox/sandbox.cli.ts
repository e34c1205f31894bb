/**
 * `npm run sandbox -- <command>`: make the sandbox vendor misbehave for a demo, without code.
 *   fault <instance> <operation> <CODE> [--times N | --always]   e.g. fault erp.main createSalesOrder VENDOR_UNAVAILABLE --times 2
 *   clear [<instance>]                                            remove injected faults
 *   stock <instance> <sku> <available>                            set a stock level
 */
import { parseArgs } from 'node:util';
import { ZodError } from 'zod';
import { loadConfig } from '../../config';
import { openDatabase } from '../../server/db/database';
import { ConnectorErrorCode } from '../connector-error-codes';
import { clearSandboxFaults, injectSandboxFault, setSandboxStock } from './sandbox-admin';

const USAGE = `usage:
  npm run sandbox -- fault <instance> <operation> <CODE> [--times N | --always]
  npm run sandbox -- clear [<instance>]
  npm run sandbox -- stock <instance> <sku> <available>
codes: ${Object.values(ConnectorErrorCode).join(', ')}`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { times: { type: 'string' }, always: { type: 'boolean' } },
    allowPositionals: true,
  });
  const [command, ...args] = positionals;
  const db = openDatabase(loadConfig().databaseUrl);
  try {
    if (command === 'fault' && args.length === 3) {
      const [instance, operation, code] = args as [string, string, ConnectorErrorCode];
      const times = values.always ? null : Number(values.times ?? 1);
      await injectSandboxFault(db.models, { instance, operation, code, times });
      console.log(
        `${instance}.${operation} fails with ${code} ${times === null ? 'until cleared' : `${times} time(s)`}`,
      );
    } else if (command === 'clear' && args.length <= 1) {
      await clearSandboxFaults(db.models, args[0]);
      console.log(`faults cleared${args[0] ? ` for ${args[0]}` : ''}`);
    } else if (command === 'stock' && args.length === 3) {
      const [instance, sku, available] = args as [string, string, string];
      await setSandboxStock(db.models, instance, sku, Number(available));
      console.log(`${instance}: ${sku} has ${available} available`);
    } else {
      console.error(USAGE);
      return 2;
    }
    return 0;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message =
      error instanceof ZodError
        ? error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n')
        : error instanceof Error
          ? error.message
          : String(error);
    console.error(`${message}\n\n${USAGE}`);
    process.exit(error instanceof ZodError ? 2 : 1);
  },
);
