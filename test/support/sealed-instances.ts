import type { CredentialVault } from '../../connectors/vault';
import type { Models } from '../../server/db/models';

/** Two master keys for rotation tests: records sealed under the old one move to the new one. */
export const OLD_MASTER_KEY = 'old-master-key-0123456789abcdef0123456789';
export const NEW_MASTER_KEY = 'new-master-key-fedcba9876543210fedcba9876';

/** A credential whose secret must never show in any output. */
export const SEALED_SECRET = 's3cr3t-value-never-shown';

/**
 * Stores a sandbox CRM instance row as the connectors API would: credentials sealed by `vault`
 * (bound to the instance's name), or none when `vault` is null.
 */
export async function insertSealedInstance(
  models: Pick<Models, 'ConnectorInstance'>,
  name: string,
  vault: CredentialVault | null,
): Promise<void> {
  const sealed = vault?.seal(name, { clientId: 'acme-client', clientSecret: SEALED_SECRET, instance: name });
  await models.ConnectorInstance.create({
    name,
    kind: 'crm',
    vendor: 'sandbox',
    settings: {},
    credentialsCiphertext: sealed?.ciphertext ?? null,
    credentialsKeyId: sealed?.keyId ?? null,
  });
}
