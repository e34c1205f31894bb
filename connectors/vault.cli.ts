/**
 * `npm run vault -- status` — which key ids seal the stored connector credentials.
 * `npm run vault -- rotate [--dry-run]` — re-seal every record under JUNCTION_MASTER_KEY, in one
 * transaction, opening old records with JUNCTION_PREVIOUS_MASTER_KEYS:
 *
 *   JUNCTION_MASTER_KEY=<new> JUNCTION_PREVIOUS_MASTER_KEYS=<old>[,<older>] npm run vault -- rotate
 *
 * Roll the new key (with the old ones as previous) out to every API and worker process first,
 * rotate, then drop the previous keys. Prints counts and key ids, never a key or a credential.
 */
import { ConfigError, loadConfig } from '../config';
import { openDatabase } from '../server/db/database';
import { ensureDatabase } from '../server/db/ensure-database';
import { migrateUp } from '../server/db/migrate';
import { configureLogger } from '../logging/logger';
import { createVault, isVaultError } from './vault';
import { rotateCredentials, vaultStatus } from '../server/connectors/vault-rotation';

const USAGE = 'usage: npm run vault -- status | rotate [--dry-run]';

type Command = { kind: 'status' } | { kind: 'rotate'; dryRun: boolean };

function parseCommand(argv: readonly string[]): Command | null {
  const [verb, ...rest] = argv;
  if (verb === 'status' && rest.length === 0) return { kind: 'status' };
  if (verb === 'rotate' && rest.every((arg) => arg === '--dry-run')) return { kind: 'rotate', dryRun: rest.length > 0 };
  return null;
}

async function main(): Promise<number> {
  const command = parseCommand(process.argv.slice(2));
  if (!command) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig();
  // stdout belongs to the command's output; only warnings and errors are logged.
  configureLogger({ level: config.log.level === 'debug' ? 'debug' : 'warn', format: config.log.format });
  const vault = createVault(config);
  await ensureDatabase(config.databaseUrl);
  const db = openDatabase(config.databaseUrl);
  try {
    await migrateUp(db.sequelize);
    if (command.kind === 'status') {
      const status = await vaultStatus(db.models.ConnectorInstance, vault);
      console.log(`current key id: ${status.currentKeyId ?? 'none (JUNCTION_MASTER_KEY is not set)'}`);
      console.log(`previous key ids: ${status.previousKeyIds.join(', ') || 'none'}`);
      if (status.keys.length === 0) console.log('no stored credentials');
      for (const key of status.keys) console.log(`${key.keyId}\t${key.state}\t${key.instances} instance(s)`);
      console.log(`instances without credentials: ${status.withoutCredentials}`);
      // Non-zero when a record cannot be opened by this process: a deploy check can use it.
      return status.keys.some((key) => key.state === 'unknown') ? 1 : 0;
    }
    const report = await rotateCredentials(db.models.ConnectorInstance, vault, { dryRun: command.dryRun });
    console.log(
      `${report.dryRun ? 'dry run: would re-encrypt' : 're-encrypted'} ${report.reencrypted} of ${report.total} record(s) under key id ${report.currentKeyId}`,
    );
    console.log(`already current: ${report.alreadyCurrent}`);
    if (report.retiredKeyIds.length)
      console.log(`${report.dryRun ? 'would retire' : 'retired'} key ids: ${report.retiredKeyIds.join(', ')}`);
    return 0;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError || isVaultError(error)) console.error(error.message);
    else console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = error instanceof ConfigError ? 78 : 1;
  },
);
