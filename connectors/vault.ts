/**
 * The credential vault: connector credentials are sealed with AES-256-GCM before they reach the
 * database, and opened only inside the registry when a connector is built (never in a workflow,
 * a log or an API response).
 *
 * A sealed record is `version (1 byte, 0x01) | IV (12 bytes) | GCM tag (16 bytes) | ciphertext`
 * of the JSON credentials. The instance name is authenticated as additional data, so a record
 * copied onto another row fails to open. The key id (a hash of the derived data key) is stored
 * beside the record: it names the key to open it with and shows which records a rotation must
 * still move (server/connectors/vault-rotation.ts).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Config } from '../config';
import { createKeyring, type DataKey, type Keyring } from './vault/keyring';
import { VaultError } from './vault/vault-error';

export { VaultError, isVaultError, type VaultErrorCode } from './vault/vault-error';

/** What a vendor needs to authenticate: field names are public, values are secret. */
export type Credentials = Record<string, unknown>;

export interface SealedCredentials {
  ciphertext: Buffer;
  keyId: string;
}

export type KeyState = 'current' | 'previous' | 'unknown';

const VERSION = 0x01;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;

function additionalData(instanceName: string): Buffer {
  return Buffer.concat([
    Buffer.from([VERSION]),
    Buffer.from(`junction.connector-credentials\0${instanceName}`, 'utf8'),
  ]);
}

function isRecord(value: unknown): value is Credentials {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class CredentialVault {
  private readonly keys = new Map<string, DataKey>();

  constructor(private readonly keyring: Keyring) {
    for (const key of keyring.previous) this.keys.set(key.id, key);
    if (keyring.current) this.keys.set(keyring.current.id, keyring.current);
  }

  /** The key id new records are sealed under; null without a master key. */
  get currentKeyId(): string | null {
    return this.keyring.current?.id ?? null;
  }

  get previousKeyIds(): string[] {
    return this.keyring.previous.map((key) => key.id);
  }

  keyState(keyId: string): KeyState {
    if (keyId === this.keyring.current?.id) return 'current';
    return this.keys.has(keyId) ? 'previous' : 'unknown';
  }

  /** Seals credentials for one instance under the current key; refuses without a master key. */
  seal(instanceName: string, credentials: Credentials): SealedCredentials {
    const current = this.keyring.current;
    if (!current) {
      throw new VaultError(
        'no-master-key',
        'Credentials cannot be stored: JUNCTION_MASTER_KEY is not set (set it to 32+ random characters and restart).',
      );
    }
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', current.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(additionalData(instanceName));
    const body = Buffer.concat([cipher.update(JSON.stringify(credentials), 'utf8'), cipher.final()]);
    return { ciphertext: Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]), keyId: current.id };
  }

  /** Opens a record sealed for this instance; throws VaultError when it cannot be trusted. */
  open(instanceName: string, sealed: SealedCredentials): Credentials {
    const key = this.keys.get(sealed.keyId);
    if (!key) {
      throw new VaultError(
        'unknown-key',
        `Credentials of "${instanceName}" are sealed under key id ${sealed.keyId}, which is neither JUNCTION_MASTER_KEY nor one of JUNCTION_PREVIOUS_MASTER_KEYS.`,
      );
    }
    const { ciphertext } = sealed;
    if (ciphertext.length < HEADER_BYTES || ciphertext[0] !== VERSION) {
      throw new VaultError(
        'malformed',
        `Credentials of "${instanceName}" are not a vault record (version ${ciphertext[0] ?? 'missing'}).`,
      );
    }
    const decipher = createDecipheriv('aes-256-gcm', key.key, ciphertext.subarray(1, 1 + IV_BYTES), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(additionalData(instanceName));
    decipher.setAuthTag(ciphertext.subarray(1 + IV_BYTES, HEADER_BYTES));
    let plaintext: string;
    try {
      plaintext = Buffer.concat([decipher.update(ciphertext.subarray(HEADER_BYTES)), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new VaultError(
        'tampered',
        `Credentials of "${instanceName}" failed authentication: the record was altered or belongs to another instance.`,
      );
    }
    const parsed: unknown = JSON.parse(plaintext);
    if (!isRecord(parsed)) throw new VaultError('malformed', `Credentials of "${instanceName}" are not an object.`);
    return parsed;
  }
}

/** The vault of a Junction process, keyed by JUNCTION_MASTER_KEY and JUNCTION_PREVIOUS_MASTER_KEYS. */
export function createVault(config: Pick<Config, 'masterKey' | 'previousMasterKeys'>): CredentialVault {
  return new CredentialVault(createKeyring(config.masterKey, config.previousMasterKeys));
}
