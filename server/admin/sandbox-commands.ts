/**
 * `junction-admin sandbox …` (`npm run sandbox -- …`): make the sandbox vendor misbehave for a
 * demo or a test, without code: inject faults, list and clear them, set stock levels.
 */
import { Argument, InvalidArgumentError, Option, type Command } from 'commander';
import { parseLimit } from '../../cli/option-parsers';
import { ConnectorErrorCode } from '../../connectors/connector-error-codes';
import {
  clearSandboxFaults,
  injectSandboxFault,
  listSandboxFaults,
  setSandboxStock,
} from '../../connectors/sandbox/sandbox-admin';
import { SANDBOX_OPERATIONS, AFTER_SUFFIX } from '../../connectors/sandbox/sandbox-faults';
import type { Database } from '../db/database';
import { loadAdminConfig, withDatabase, type AdminDefine } from './admin-context';

function parseStockLevel(value: string): number {
  if (!/^\d{1,9}$/.test(value.trim())) throw new InvalidArgumentError('must be a whole number, 0 or more');
  return Number(value);
}

function withSandbox<T>(work: (db: Database) => Promise<T>): Promise<T> {
  return withDatabase(loadAdminConfig(), work);
}

export function registerSandboxCommands(program: Command, define: AdminDefine): void {
  const sandbox = program
    .command('sandbox')
    .description('make the sandbox vendor misbehave for a demo: faults and stock levels');

  sandbox
    .command('fault')
    .description('make calls of one operation of a sandbox instance fail with a connector error code')
    .argument('<instance>', 'the connector instance, e.g. erp.main')
    .argument(
      '<operation>',
      `an SPI operation or healthCheck; append ${AFTER_SUFFIX} to fail after the write committed (the answer is lost)`,
    )
    .addArgument(new Argument('<code>', 'the error code').choices(Object.values(ConnectorErrorCode)))
    .addOption(new Option('--times <n>', 'how many calls fail (default 1)').argParser(parseLimit).conflicts('always'))
    .option('--always', 'every call fails until the fault is cleared')
    .addHelpText(
      'after',
      `\nOperations: ${SANDBOX_OPERATIONS.join(', ')}\nExample:\n  junction-admin sandbox fault erp.main createSalesOrder VENDOR_UNAVAILABLE --times 2`,
    )
    .action(
      define(
        async (
          out,
          instance: string,
          operation: string,
          code: ConnectorErrorCode,
          options: { times?: number; always?: boolean },
        ) => {
          const times = options.always ? null : (options.times ?? 1);
          await withSandbox((db) => injectSandboxFault(db.models, { instance, operation, code, times }));
          out.line(
            `${instance}.${operation} fails with ${code} ${times === null ? 'until cleared' : `${times} time(s)`}`,
          );
        },
      ),
    );

  sandbox
    .command('faults')
    .description('list the injected faults still in force')
    .argument('[instance]', 'only this instance')
    .action(
      define(async (out, instance: string | undefined) => {
        const faults = await withSandbox((db) => listSandboxFaults(db.models, instance));
        if (faults.length === 0) out.line('no faults');
        for (const fault of faults) {
          const left = fault.remaining === null ? 'until cleared' : `${fault.remaining} time(s)`;
          out.line([`#${fault.id}`, fault.instance, fault.operation, fault.code, left].join('\t'));
        }
      }),
    );

  sandbox
    .command('clear')
    .description('remove injected faults, of one instance or of every instance')
    .argument('[instance]', 'only this instance')
    .action(
      define(async (out, instance: string | undefined) => {
        await withSandbox((db) => clearSandboxFaults(db.models, instance));
        out.line(`faults cleared${instance ? ` for ${instance}` : ''}`);
      }),
    );

  sandbox
    .command('stock')
    .description('set the stock level of one SKU of a sandbox ERP instance')
    .argument('<instance>', 'the connector instance, e.g. erp.main')
    .argument('<sku>', 'the SKU')
    .argument('<available>', 'units available (0: out of stock)', parseStockLevel)
    .action(
      define(async (out, instance: string, sku: string, available: number) => {
        await withSandbox((db) => setSandboxStock(db.models, instance, sku, available));
        out.line(`${instance}: ${sku} has ${available} available`);
      }),
    );
}
