import { InvalidArgumentError, Option, type Command } from 'commander';
import type { KeyView } from '../api-types';
import type { Define } from '../command-context';
import { parseDays, parseInstant, parseList } from '../option-parsers';
import { fields, instant, table } from '../output/table';
import { fetchPages, withPagingOptions, type PagingOptions } from './pages';

function keysTable(items: readonly KeyView[]): string {
  if (items.length === 0) return 'No keys.';
  return table(
    ['ID', 'NAME', 'PREFIX', 'SCOPES', 'STATUS', 'CREATED (UTC)', 'EXPIRES (UTC)', 'LAST USED (UTC)'],
    items.map((key) => [
      key.id,
      key.name,
      key.prefix,
      key.scopes.join(', '),
      key.status,
      instant(key.createdAt),
      instant(key.expiresAt),
      instant(key.lastUsedAt),
    ]),
  );
}

function keyDetails(key: KeyView & { key?: string }): string {
  return fields([
    ['ID', key.id],
    ['Name', key.name],
    ['Prefix', key.prefix],
    ['Scopes', key.scopes.join(', ')],
    ['Acts as', key.actsAs ?? '-'],
    ['Status', key.status],
    ['Created', instant(key.createdAt)],
    ['Expires', instant(key.expiresAt) === '-' ? 'never' : instant(key.expiresAt)],
    ['Revoked', instant(key.revokedAt)],
    ['Last used', instant(key.lastUsedAt)],
    ...(key.key ? ([['Key', key.key]] as const) : []),
  ]);
}

/** Parses a key id the way the API does (a positive whole number), so a typo is a usage error. */
function keyId(value: string): string {
  if (!/^[1-9]\d{0,9}$/.test(value)) throw new InvalidArgumentError('must be a key id (a positive whole number)');
  return value;
}

/** `junction keys …`: API keys (admin scope). A new key is printed once, at its creation. */
export function registerKeysCommands(program: Command, define: Define): void {
  const keys = program.command('keys').description('API keys: create, list, show, revoke (needs an admin key)');

  keys
    .command('create')
    .description('create a key and print it: it is shown this once and never again')
    .requiredOption('--name <name>', 'who or what uses the key, e.g. "shop backend"')
    .requiredOption(
      '--scopes <list>',
      'comma-separated: runs:read, runs:write (or per process: runs:read:<type>, runs:write:<type>), runs:infrastructure, schedules:write, connectors:write, admin',
      parseList,
    )
    .addOption(
      new Option(
        '--expires-in-days <days>',
        "expire after this many days (default: the server's default lifetime, 90 days unless configured)",
      )
        .argParser(parseDays)
        .conflicts(['expiresAt', 'neverExpires']),
    )
    .addOption(
      new Option('--expires-at <instant>', 'expire at this ISO 8601 date-time with a zone')
        .argParser(parseInstant)
        .conflicts('neverExpires'),
    )
    .option('--never-expires', 'a key without an expiry (rotate it by hand)')
    .option('--acts-as <email>', 'the person the key is issued to: approval decisions made with it are theirs')
    .action(
      define(
        async (
          ctx,
          options: {
            name: string;
            scopes: string[];
            expiresInDays?: number;
            expiresAt?: string;
            neverExpires?: boolean;
            actsAs?: string;
          },
        ) => {
          const body = {
            name: options.name,
            scopes: options.scopes,
            ...(options.expiresInDays ? { expiresInDays: options.expiresInDays } : {}),
            ...(options.expiresAt ? { expiresAt: options.expiresAt } : {}),
            ...(options.neverExpires ? { expiresAt: null } : {}),
            ...(options.actsAs ? { actsAs: options.actsAs } : {}),
          };
          const reply = await ctx.api.post<KeyView & { key: string }>('/v1/keys', body);
          ctx.out.emit(reply, keyDetails, (created) => created.key);
          ctx.out.notice('Store the key now: it is not shown again.');
        },
      ),
    );

  withPagingOptions(
    keys
      .command('list')
      .description('keys, newest first, with prefixes (never secrets)')
      .option('--status <status>', 'only active, revoked or expired keys'),
    100,
  ).action(
    define(async (ctx, options: { status?: string } & PagingOptions) => {
      const listing = await fetchPages<KeyView>(ctx.api, '/v1/keys', { status: options.status }, options);
      listing.emit(ctx.out, keysTable, (key) => String(key.id));
    }),
  );

  keys
    .command('show')
    .argument('<id>', 'the key id', keyId)
    .description('one key')
    .action(define(async (ctx, id: string) => ctx.out.emit(await ctx.api.get<KeyView>(`/v1/keys/${id}`), keyDetails)));

  keys
    .command('revoke')
    .argument('<id>', 'the key id', keyId)
    .description(
      'revoke a key: refused from the next request on, on every API replica (exit code 5 if already revoked)',
    )
    .action(
      define(async (ctx, id: string) => {
        const reply = await ctx.api.post<KeyView>(`/v1/keys/${id}/revoke`);
        ctx.out.emit(
          reply,
          (key) => `Revoked key ${key.id} (${key.name}, ${key.prefix}).`,
          () => null,
        );
      }),
    );
}
