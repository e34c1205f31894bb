/**
 * Key rotation and status over connector_instances. Rotation re-seals every record that is not
 * under the current key, in one transaction: either every record moves or none does.
 */
import { Op } from 'sequelize';
import type { ConnectorInstance } from '../db/models';
import type { CredentialVault, KeyState } from '../../connectors/vault';
import { VaultError } from '../../connectors/vault/vault-error';

export interface RotationReport {
  currentKeyId: string;
  /** Records that carry credentials. */
  total: number;
  reencrypted: number;
  alreadyCurrent: number;
  /** The key ids records were moved off. */
  retiredKeyIds: string[];
  dryRun: boolean;
}

export interface VaultStatus {
  currentKeyId: string | null;
  previousKeyIds: string[];
  keys: { keyId: string; state: KeyState; instances: number }[];
  withoutCredentials: number;
}

class DryRunRollback extends Error {}

/**
 * Re-seals every record under the current key. Fails, changing nothing, when a record was sealed
 * under a key the vault does not hold (add the old key to JUNCTION_PREVIOUS_MASTER_KEYS).
 */
export async function rotateCredentials(
  instances: typeof ConnectorInstance,
  vault: CredentialVault,
  options: { dryRun?: boolean } = {},
): Promise<RotationReport> {
  const currentKeyId = vault.currentKeyId;
  if (!currentKeyId)
    throw new VaultError(
      'no-master-key',
      'Rotation needs the new key in JUNCTION_MASTER_KEY (and the old ones in JUNCTION_PREVIOUS_MASTER_KEYS).',
    );
  const sequelize = instances.sequelize;
  if (!sequelize) throw new Error('rotateCredentials: the models are not bound to a database');
  const report: RotationReport = {
    currentKeyId,
    total: 0,
    reencrypted: 0,
    alreadyCurrent: 0,
    retiredKeyIds: [],
    dryRun: options.dryRun ?? false,
  };
  const retired = new Set<string>();
  try {
    await sequelize.transaction(async (transaction) => {
      const rows = await instances.findAll({
        where: { credentialsCiphertext: { [Op.ne]: null } },
        order: [['name', 'ASC']],
        lock: transaction.LOCK.UPDATE,
        transaction,
      });
      for (const row of rows) {
        report.total += 1;
        const keyId = row.credentialsKeyId ?? '(none)';
        if (keyId === currentKeyId) {
          report.alreadyCurrent += 1;
          continue;
        }
        // open() throws for an unknown key or a tampered record; the transaction rolls back.
        const credentials = vault.open(row.name, { ciphertext: row.credentialsCiphertext!, keyId });
        const sealed = vault.seal(row.name, credentials);
        await row.update({ credentialsCiphertext: sealed.ciphertext, credentialsKeyId: sealed.keyId }, { transaction });
        report.reencrypted += 1;
        retired.add(keyId);
      }
      if (report.dryRun) throw new DryRunRollback();
    });
  } catch (error) {
    if (!(error instanceof DryRunRollback)) throw error;
  }
  report.retiredKeyIds = [...retired].sort();
  return report;
}

/** How many records each key id holds, and whether this process's keys can open them. */
export async function vaultStatus(instances: typeof ConnectorInstance, vault: CredentialVault): Promise<VaultStatus> {
  const rows = await instances.findAll({ attributes: ['name', 'credentialsKeyId', 'credentialsCiphertext'] });
  const counts = new Map<string, number>();
  let withoutCredentials = 0;
  for (const row of rows) {
    if (!row.credentialsCiphertext) {
      withoutCredentials += 1;
      continue;
    }
    const keyId = row.credentialsKeyId ?? '(none)';
    counts.set(keyId, (counts.get(keyId) ?? 0) + 1);
  }
  return {
    currentKeyId: vault.currentKeyId,
    previousKeyIds: vault.previousKeyIds,
    keys: [...counts]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([keyId, count]) => ({ keyId, state: vault.keyState(keyId), instances: count })),
    withoutCredentials,
  };
}
