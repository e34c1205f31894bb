/**
 * `junction-admin keys …` (`npm run keys -- …`): API keys straight in the database, for the first
 * admin key of an install and for when the API is down. `create` (and `bootstrap-admin` when it
 * creates one) prints the key alone on the last line of stdout, so `| tail -1` captures it.
 */
import { Option, type Command } from 'commander';
import { EXIT } from '../../cli/exit-codes';
import { parseDays } from '../../cli/option-parsers';
import type { Database } from '../db/database';
import { createApiKeysService, type ApiKeysService, type CreatedKey } from '../auth/api-keys.service';
import { bootstrapAdminKey } from '../auth/bootstrap-admin';
import { loadAdminConfig, withDatabase, type AdminDefine, type AdminOutput } from './admin-context';
import { expiryOf, parseActsAs, parseKeyId, parseKeyName, parseScopes, SCOPE_GRAMMAR } from './keys-options';

const DEFAULT_ADMIN_KEY_NAME = 'admin';

interface ExpiryOptions {
  expiresInDays?: number;
  neverExpires?: boolean;
}

function withKeys<T>(work: (keys: ApiKeysService, db: Database) => Promise<T>): Promise<T> {
  const config = loadAdminConfig();
  return withDatabase(config, (db) =>
    work(
      createApiKeysService({ apiKeys: db.models.ApiKey, defaultLifetimeDays: config.api.keyDefaultLifetimeDays }),
      db,
    ),
  );
}

function printCreated(out: AdminOutput, created: CreatedKey): void {
  out.line(`created key #${created.id} "${created.name}" (prefix ${created.prefix})`);
  out.line(`scopes: ${created.scopes.join(', ')}`);
  if (created.actsAs) out.line(`acts as: ${created.actsAs}`);
  out.line(`expires: ${created.expiresAt ? created.expiresAt.toISOString() : 'never'}`);
  out.line('store it now; it cannot be shown again:');
  out.line(created.key);
}

/** --expires-in-days and --never-expires, which exclude each other. */
function addExpiryOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--expires-in-days <days>',
        'expire after this many days, 1 to 3650 (default: API_KEY_DEFAULT_LIFETIME_DAYS, 90 unless configured)',
      )
        .argParser(parseDays)
        .conflicts('neverExpires'),
    )
    .option('--never-expires', 'a key without an expiry (rotate it by hand)');
}

export function registerKeysCommands(program: Command, define: AdminDefine): void {
  const keys = program
    .command('keys')
    .description('API keys, straight in the database: create, list, revoke, bootstrap-admin')
    .addHelpText('after', `\nScopes: ${SCOPE_GRAMMAR} (admin implies all).`);

  addExpiryOptions(
    keys
      .command('create')
      .description('create a key and print it: alone on the last line, shown this once and never again')
      .requiredOption('--name <name>', 'who or what uses the key, e.g. "shop backend"', parseKeyName)
      .requiredOption('--scopes <list>', `comma-separated scopes: ${SCOPE_GRAMMAR}`, parseScopes),
  )
    .option(
      '--acts-as <email>',
      'the person the key is issued to: approval decisions made with it are theirs',
      parseActsAs,
    )
    .action(
      define(async (out, options: { name: string; scopes: string[]; actsAs?: string } & ExpiryOptions) => {
        const expiresAt = expiryOf(options);
        const created = await withKeys((service) =>
          service.createKey({
            name: options.name,
            scopes: options.scopes,
            ...(expiresAt !== undefined ? { expiresAt } : {}),
            ...(options.actsAs ? { actsAs: options.actsAs } : {}),
          }),
        );
        printCreated(out, created);
      }),
    );

  keys
    .command('list')
    .description('every key, one per line: id, prefix, status, name, scopes, expiry, last use (never the secret)')
    .action(
      define(async (out) => {
        const all = await withKeys((service) => service.listKeys());
        if (all.length === 0) out.line('no keys');
        for (const key of all) {
          out.line(
            [
              `#${key.id}`,
              key.prefix,
              key.status,
              key.name,
              key.scopes.join(','),
              `expires=${key.expiresAt?.toISOString() ?? 'never'}`,
              `lastUsed=${key.lastUsedAt?.toISOString() ?? 'never'}`,
            ].join('\t'),
          );
        }
      }),
    );

  keys
    .command('revoke')
    .description('revoke a key: it stops working at once (revoking twice is not an error)')
    .argument('<id>', 'the key id, as `keys list` shows it (without #)', parseKeyId)
    .action(
      define(async (out, id: number) => {
        const revoked = await withKeys((service) => service.revoke(id));
        if (!revoked) {
          out.problem(`no key #${id}`);
          return EXIT.NOT_FOUND;
        }
        const at = revoked.key.revokedAt?.toISOString() ?? '';
        out.line(revoked.alreadyRevoked ? `key #${id} was already revoked at ${at}` : `revoked key #${id} at ${at}`);
      }),
    );

  addExpiryOptions(
    keys
      .command('bootstrap-admin')
      .description(
        'create an admin key only when no active admin key exists; otherwise say so, print no key and exit 0 ' +
          '(safe to run on every install or start-up, also from several replicas at once)',
      )
      .option('--name <name>', 'the key name', parseKeyName, DEFAULT_ADMIN_KEY_NAME),
  )
    .option('--force', 'create an admin key even when an active one exists')
    .action(
      define(async (out, options: { name: string; force?: boolean } & ExpiryOptions) => {
        const result = await withKeys((service, db) =>
          bootstrapAdminKey(
            { keys: service, apiKeys: db.models.ApiKey },
            { name: options.name, expiresAt: expiryOf(options), force: options.force === true },
          ),
        );
        if ('created' in result) {
          printCreated(out, result.created);
          return;
        }
        const { id, name, prefix } = result.existing;
        out.line(
          `an active admin key exists (#${id} "${name}", prefix ${prefix}); none created (--force creates another)`,
        );
      }),
    );
}
