import type { Command } from 'commander';
import { segment } from '../api-client';
import type { ConnectorView, HealthCheckResult } from '../api-types';
import type { Define } from '../command-context';
import { EXIT } from '../exit-codes';
import { readJsonFile } from '../json-input';
import { fields, instant, table } from '../output/table';
import { fetchPages, withPagingOptions, type PagingOptions } from './pages';

function connectorsTable(items: readonly ConnectorView[]): string {
  if (items.length === 0) return 'No connectors.';
  return table(
    ['NAME', 'KIND', 'VENDOR', 'SOURCE', 'ENABLED', 'CREDENTIALS'],
    items.map((item) => [
      item.name,
      item.kind,
      item.vendor,
      item.overrides ? `${item.source} (over ${item.overrides})` : item.source,
      item.enabled,
      credentialsText(item),
    ]),
  );
}

function credentialsText(view: ConnectorView): string {
  if (view.credentialsError) return `unreadable (${view.credentialsError})`;
  return view.hasCredentials ? view.credentialFields.join(', ') : 'none';
}

function connectorDetails(view: ConnectorView): string {
  return fields([
    ['Name', view.name],
    ['Kind', view.kind],
    ['Vendor', view.vendor],
    ['Source', view.source],
    ['Overrides', view.overrides],
    ['Enabled', view.enabled],
    ['Settings', JSON.stringify(view.settings)],
    ['Credentials', credentialsText(view)],
    ['Vault key', view.credentialsKeyId],
    ['Created', instant(view.createdAt)],
    ['Updated', instant(view.updatedAt)],
  ]);
}

function healthText(name: string, result: HealthCheckResult): string {
  if (result.ok) return `${name}: ok (${result.latencyMs} ms)`;
  const vendor = result.error.vendorMessage ? ` — vendor says: ${result.error.vendorMessage}` : '';
  return `${name}: FAILED ${result.error.code}${result.error.retryable ? ' (retryable)' : ''}: ${result.error.message}${vendor} (${result.latencyMs} ms)`;
}

/** `junction connectors …`: the connector instances (credentials are write-only and never shown). */
export function registerConnectorsCommands(program: Command, define: Define): void {
  const connectors = program
    .command('connectors')
    .description('connector instances: list, inspect, test, create, replace, delete');

  withPagingOptions(
    connectors
      .command('list')
      .description('every instance in force, from the database, connectors.yaml and the defaults'),
    500,
  ).action(
    define(async (ctx, options: PagingOptions) => {
      const listing = await fetchPages<ConnectorView>(ctx.api, '/v1/connectors', {}, options);
      listing.emit(ctx.out, connectorsTable, (item) => item.name);
    }),
  );

  connectors
    .command('show')
    .argument('<name>', 'e.g. erp.main')
    .description('one instance: settings and the names of its credential fields')
    .action(
      define(async (ctx, name: string) => {
        ctx.out.emit(await ctx.api.get<ConnectorView>(`/v1/connectors/${segment(name)}`), connectorDetails);
      }),
    );

  connectors
    .command('test')
    .argument('<name>')
    .description('a live check against the vendor; exit code 1 when it fails')
    .action(
      define(async (ctx, name: string) => {
        const reply = await ctx.api.post<HealthCheckResult>(`/v1/connectors/${segment(name)}/test`);
        ctx.out.emit(
          reply,
          (result) => healthText(name, result),
          (result) => (result.ok ? 'ok' : result.error.code),
        );
        return reply.body.ok ? EXIT.OK : EXIT.NEGATIVE_OUTCOME;
      }),
    );

  connectors
    .command('create')
    .requiredOption(
      '-f, --file <path>',
      'the instance as JSON or YAML ({ name, kind, vendor, settings, credentials }), or - for stdin',
    )
    .description('create an instance stored in the database (credentials are sealed by the vault)')
    .action(
      define(async (ctx, options: { file: string }) => {
        const body = await readJsonFile(options.file, '--file');
        ctx.out.emit(await ctx.api.post<ConnectorView>('/v1/connectors', body), connectorDetails, (view) => view.name);
      }),
    );

  connectors
    .command('replace')
    .argument('<name>')
    .requiredOption('-f, --file <path>', 'the instance as JSON or YAML, or - for stdin')
    .description('replace (or create) the database instance of this name')
    .action(
      define(async (ctx, name: string, options: { file: string }) => {
        const body = await readJsonFile(options.file, '--file');
        ctx.out.emit(
          await ctx.api.put<ConnectorView>(`/v1/connectors/${segment(name)}`, body),
          connectorDetails,
          (view) => view.name,
        );
      }),
    );

  connectors
    .command('delete')
    .argument('<name>')
    .description('delete the database instance (a connectors.yaml or default instance of the name then applies again)')
    .action(
      define(async (ctx, name: string) => {
        await ctx.api.delete(`/v1/connectors/${segment(name)}`);
        ctx.out.notice(`Deleted connector ${name}.`);
      }),
    );
}
