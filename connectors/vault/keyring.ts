import { createHash, hkdfSync } from 'node:crypto';

/**
 * Data keys derived from master keys. The master key (JUNCTION_MASTER_KEY) never encrypts
 * anything itself: HKDF-SHA256 derives a 32-byte AES key from it, and the key id is a short hash
 * of that derived key, so a record names the key that sealed it and a rotation is detectable.
 */
export interface DataKey {
  /** 16 hex characters; stored in connector_instances.credentials_key_id. */
  readonly id: string;
  readonly key: Buffer;
}

/** Fixed and public on purpose: the master key is the secret, the salt only separates domains. */
const HKDF_SALT = 'junction.vault.v1';
const HKDF_INFO = 'connector-credentials';
const KEY_ID_LABEL = 'junction.vault.key-id\0';

export function deriveDataKey(masterKey: string): DataKey {
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(masterKey, 'utf8'), HKDF_SALT, HKDF_INFO, 32));
  const id = createHash('sha256').update(KEY_ID_LABEL).update(key).digest('hex').slice(0, 16);
  return { id, key };
}

/** The current key (null without a master key) and the previous ones it may still decrypt with. */
export interface Keyring {
  readonly current: DataKey | null;
  readonly previous: readonly DataKey[];
}

export function createKeyring(masterKey: string | null, previousMasterKeys: readonly string[] = []): Keyring {
  const current = masterKey ? deriveDataKey(masterKey) : null;
  const previous = new Map<string, DataKey>();
  for (const old of previousMasterKeys) {
    const derived = deriveDataKey(old);
    if (derived.id !== current?.id) previous.set(derived.id, derived);
  }
  return { current, previous: [...previous.values()] };
}
