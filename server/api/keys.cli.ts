/**
 * `npm run keys -- create --name <name> --scopes admin[,runs:read,...] [--expires-in-days N]`,
 * `npm run keys -- list`, `npm run keys -- revoke <id>`.
 * `create` prints the key alone on the last line of stdout, so `| tail -1` captures it.
 */
import { loadConfig } from '../../config';
import { openDatabase } from '../db/database';
import { ensureDatabase } from '../db/ensure-database';
import { migrateUp } from '../db/migrate';
import { configureLogger } from '../logging/logger';
import { AppError } from './errors';
import { createApiKeysService, type ApiKeysService } from './keys/api-keys.service';
import { parseKeysCommand, USAGE, UsageError, type KeysCommand } from './keys/keys-cli-args';

async function run(command: KeysCommand, keys: ApiKeysService): Promise<number> {
  switch (command.kind) {
    case 'create': {
      const expiresAt = command.expiresInDays ? new Date(Date.now() + command.expiresInDays * 86_400_000) : null;
      const created = await keys.createKey({ name: command.name, scopes: command.scopes, expiresAt });
      console.log(`created key #${created.id} "${created.name}" (prefix ${created.prefix})`);
      console.log(`scopes: ${created.scopes.join(', ')}`);
      console.log(`expires: ${created.expiresAt ? created.expiresAt.toISOString() : 'never'}`);
      console.log('store it now; it cannot be shown again:');
      console.log(created.key);
      return 0;
    }
    case 'list': {
      const all = await keys.listKeys();
      if (all.length === 0) console.log('no keys');
      for (const key of all) {
        console.log(
          [`#${key.id}`, key.prefix, key.status, key.name, key.scopes.join(','), `expires=${key.expiresAt?.toISOString() ?? 'never'}`, `lastUsed=${key.lastUsedAt?.toISOString() ?? 'never'}`].join('\t'),
        );
      }
      return 0;
    }
    case 'revoke': {
      if (!(await keys.revokeKey(command.id))) {
        console.error(`no key #${command.id}`);
        return 1;
      }
      console.log(`revoked key #${command.id}`);
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
    return await run(command, createApiKeysService({ apiKeys: db.models.ApiKey }));
  } finally {
    await db.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof AppError) console.error(`${error.detail} ${error.errors?.map((e) => `${e.field}: ${e.message}`).join('; ') ?? ''}`);
    else console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
