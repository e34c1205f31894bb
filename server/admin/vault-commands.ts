/**
 * `junction-admin vault …` (`npm run vault -- …`): the master keys that seal stored connector
 * credentials. Rotation, step by step (docs/connectors.md):
 *
 *   JUNCTION_MASTER_KEY=<new> JUNCTION_PREVIOUS_MASTER_KEYS=<old>[,<older>] npm run vault -- rotate
 *
 * Roll the new key (with the old ones as previous) out to every API and worker process first,
 * rotate, then drop the previous keys. Prints counts and key ids, never a key or a credential.
 */
import type { Command } from 'commander';
import { createVault } from '../../connectors/vault';
import { rotateCredentials, vaultStatus } from '../connectors/vault-rotation';
import { EXIT } from '../../cli/exit-codes';
import { loadAdminConfig, withDatabase, type AdminDefine } from './admin-context';

export function registerVaultCommands(program: Command, define: AdminDefine): void {
  const vault = program
    .command('vault')
    .description('the master keys that seal stored connector credentials: status, rotate');

  vault
    .command('status')
    .description(
      'which key ids seal the stored credentials; exits 1 when a record is under a key this process lacks (a deploy check)',
    )
    .action(
      define(async (out) => {
        const config = loadAdminConfig();
        const keyVault = createVault(config);
        const status = await withDatabase(config, (db) => vaultStatus(db.models.ConnectorInstance, keyVault));
        out.line(`current key id: ${status.currentKeyId ?? 'none (JUNCTION_MASTER_KEY is not set)'}`);
        out.line(`previous key ids: ${status.previousKeyIds.join(', ') || 'none'}`);
        if (status.keys.length === 0) out.line('no stored credentials');
        for (const key of status.keys) out.line(`${key.keyId}\t${key.state}\t${key.instances} instance(s)`);
        out.line(`instances without credentials: ${status.withoutCredentials}`);
        return status.keys.some((key) => key.state === 'unknown') ? EXIT.NEGATIVE_OUTCOME : EXIT.OK;
      }),
    );

  vault
    .command('rotate')
    .description(
      're-seal every record under JUNCTION_MASTER_KEY in one transaction, opening old records with ' +
        'JUNCTION_PREVIOUS_MASTER_KEYS (all records move, or none)',
    )
    .option('--dry-run', 'count what would move, change nothing')
    .addHelpText(
      'after',
      '\nExample:\n  JUNCTION_MASTER_KEY=<new> JUNCTION_PREVIOUS_MASTER_KEYS=<old>[,<older>] junction-admin vault rotate',
    )
    .action(
      define(async (out, options: { dryRun?: boolean }) => {
        const config = loadAdminConfig();
        const keyVault = createVault(config);
        const report = await withDatabase(config, (db) =>
          rotateCredentials(db.models.ConnectorInstance, keyVault, { dryRun: options.dryRun === true }),
        );
        out.line(
          `${report.dryRun ? 'dry run: would re-encrypt' : 're-encrypted'} ${report.reencrypted} of ${report.total} record(s) under key id ${report.currentKeyId}`,
        );
        out.line(`already current: ${report.alreadyCurrent}`);
        if (report.retiredKeyIds.length)
          out.line(`${report.dryRun ? 'would retire' : 'retired'} key ids: ${report.retiredKeyIds.join(', ')}`);
      }),
    );
}
