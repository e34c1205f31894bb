/**
 * `npm run keys -- create --name <name> --scopes admin[,runs:read,...] [--expires-in-days N]`,
 * `npm run keys -- list`, `npm run keys -- revoke <id>`,
 * `npm run keys -- bootstrap-admin [--name admin] [--expires-in-days N] [--force]`.
 * `create` (and `bootstrap-admin` when it creates one) prints the key alone on the last line of
 * stdout, so `| tail -1` captures it. `bootstrap-admin` is idempotent: when an active admin key
 * exists it says so, prints no key and exits 0, so an install script may run it every time.
 */
import { loadConfig } from '../../config';
import { openDatabase } from '../db/database';
import { ensureDatabase } from '../db/ensure-database';
import { migrateUp } from '../db/migrate';
import { configureLogger } from '../../logging/logger';
import { AppError } from '../errors/app-error';
import type { ApiKey } from '../db/models';
import { createApiKeysService, type ApiKeysService, type CreatedKey } from './keys/api-keys.service';
import { bootstrapAdminKey } from './keys/bootstrap-admin';
import { parseKeysCommand, USAGE, UsageError, type Expiry, type KeysCommand } from './keys/keys-cli-args';

/** undefined leaves the key to the service's default lifetime. */
function expiryOf(expiry: Expiry): Date | null | undefined {
  if (expiry === 'default') return undefined;
  return expiry === 'never' ? null : new Date(Date.now() + expiry * 86_400_000);
}

function printCreated(created: CreatedKey): void {
  console.log(`created key #${created.id} "${created.name}" (prefix ${created.prefix})`);
  console.log(`scopes: ${created.scopes.join(', ')}`);
  if (created.actsAs) console.log(`acts as: ${created.actsAs}`);
  console.log(`expires: ${created.expiresAt ? created.expiresAt.toISOString() : 'never'}`);
  console.log('store it now; it cannot be shown again:');
  console.log(created.key);
}

async function run(command: KeysCommand, keys: ApiKeysService, apiKeys: typeof ApiKey): Promise<number> {
  switch (command.kind) {
    case 'create': {
      const expiresAt = expiryOf(command.expiresInDays);
      printCreated(
        await keys.createKey({
          name: command.name,
          scopes: command.scopes,
          ...(expiresAt !== undefined ? { expiresAt } : {}),
          ...(command.actsAs ? { actsAs: command.actsAs } : {}),
        }),
      );
      return 0;
    }
    case 'bootstrap-admin': {
      const result = await bootstrapAdminKey(
        { keys, apiKeys },
        { name: command.name, expiresAt: expiryOf(command.expiresInDays), force: command.force },
      );
      if ('created' in result) {
        printCreated(result.created);
      } else {
        const { id, name, prefix } = result.existing;
        console.log(
          `an active admin key exists (#${id} "${name}", prefix ${prefix}); none created (--force creates another)`,
        );
      }
      return 0;
    }
    case 'list': {
      const all = await keys.listKeys();
      if (all.length === 0) console.log('no keys');
      for (const key of all) {
        console.log(
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
      return 0;
    }
    case 'revoke': {
      const revoked = await keys.revoke(command.id);
      if (!revoked) {
        console.error(`no key #${command.id}`);
        return 1;
      }
      const at = revoked.key.revokedAt?.toISOString() ?? '';
      console.log(
        revoked.alreadyRevoked
          ? `key #${command.id} was already revoked at ${at}`
          : `revoked key #${command.id} at ${at}`,
      );
      return 0;
    }
  }
}

async function main(): Promise<number> {
  let command: KeysCommand;
  try {
    command = parseKeysCommand(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  const config = loadConfig();
  // stdout belongs to the command's output; only warnings and errors are logged.
  configureLogger({ level: config.log.level === 'debug' ? 'debug' : 'warn', format: config.log.format });
  await ensureDatabase(config.databaseUrl);
  const db = openDatabase(config.databaseUrl);
  try {
    await migrateUp(db.sequelize);
    return await run(
      command,
      createApiKeysService({ apiKeys: db.models.ApiKey, defaultLifetimeDays: config.api.keyDefaultLifetimeDays }),
      db.models.ApiKey,
    );
  } finally {
    await db.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof AppError)
      console.error(`${error.detail} ${error.errors?.map((e) => `${e.field}: ${e.message}`).join('; ') ?? ''}`);
    else console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
