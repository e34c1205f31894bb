/**
 * Encryption of workflow payloads (TEMPORAL_PAYLOAD_ENCRYPTION=on): inputs, results, signals,
 * queries, activity arguments and results reach Temporal as AES-256-GCM ciphertext, so the
 * history holds no readable business or personal data.
 *
 * Each Payload proto (metadata and data) is serialized whole and encrypted, so the original
 * encoding is hidden too. An encrypted payload is `encoding: binary/encrypted`, the key id in
 * `encryption-key-id`, and data `version (1 byte, 0x01) | IV (12) | GCM tag (16) | ciphertext`.
 * The data key is derived from JUNCTION_MASTER_KEY with HKDF (its own info, so it never equals
 * the vault's key); JUNCTION_PREVIOUS_MASTER_KEYS keys still decrypt, so a rotation does not
 * strand histories. Payloads that are not encrypted pass through decode unchanged: histories
 * recorded before encryption was switched on keep replaying.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import {
  METADATA_ENCODING_KEY,
  str as utf8Decode,
  u8 as utf8Encode,
  type Payload,
  type PayloadCodec,
} from '@temporalio/common';
import { temporal } from '@temporalio/proto';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const METADATA_KEY_ID = 'encryption-key-id';

const ProtoPayload = temporal.api.common.v1.Payload;
const VERSION = 0x01;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;
/** Fixed and public on purpose: the master key is the secret; salt and info only separate domains. */
const HKDF_SALT = 'junction.payload-codec.v1';
const HKDF_INFO = 'junction temporal payloads';
const KEY_ID_LABEL = 'junction.payload-codec.key-id\0';
/** Binds the ciphertext to its format, so bytes sealed for another purpose never open here. */
const ADDITIONAL_DATA = Buffer.concat([Buffer.from([VERSION]), Buffer.from('junction.temporal-payload', 'utf8')]);

export type PayloadEncryptionErrorCode = 'unknown-key' | 'tampered' | 'malformed';

/** A payload that claims to be encrypted but cannot be opened; the message names why, never the content. */
export class PayloadEncryptionError extends Error {
  constructor(
    readonly code: PayloadEncryptionErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PayloadEncryptionError';
  }
}

interface PayloadKey {
  readonly id: string;
  readonly key: Buffer;
}

function derivePayloadKey(masterKey: string): PayloadKey {
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(masterKey, 'utf8'), HKDF_SALT, HKDF_INFO, 32));
  const id = createHash('sha256').update(KEY_ID_LABEL).update(key).digest('hex').slice(0, 16);
  return { id, key };
}

export interface PayloadKeys {
  masterKey: string;
  previousMasterKeys?: readonly string[];
}

export class EncryptionPayloadCodec implements PayloadCodec {
  private readonly current: PayloadKey;
  private readonly keys = new Map<string, PayloadKey>();

  constructor({ masterKey, previousMasterKeys = [] }: PayloadKeys) {
    this.current = derivePayloadKey(masterKey);
    for (const old of previousMasterKeys) {
      const derived = derivePayloadKey(old);
      this.keys.set(derived.id, derived);
    }
    this.keys.set(this.current.id, this.current);
  }

  /** The key id new payloads are encrypted under. */
  get currentKeyId(): string {
    return this.current.id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encrypt(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => (isEncrypted(payload) ? this.decrypt(payload) : payload));
  }

  private encrypt(payload: Payload): Payload {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(ADDITIONAL_DATA);
    const body = Buffer.concat([cipher.update(ProtoPayload.encode(payload).finish()), cipher.final()]);
    return {
      metadata: {
        [METADATA_ENCODING_KEY]: utf8Encode(ENCRYPTED_ENCODING),
        [METADATA_KEY_ID]: utf8Encode(this.current.id),
      },
      data: Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]),
    };
  }

  private decrypt(payload: Payload): Payload {
    const keyIdBytes = payload.metadata?.[METADATA_KEY_ID];
    if (!keyIdBytes) throw new PayloadEncryptionError('malformed', `An encrypted payload has no ${METADATA_KEY_ID}.`);
    const keyId = utf8Decode(keyIdBytes);
    const key = this.keys.get(keyId);
    if (!key) {
      throw new PayloadEncryptionError(
        'unknown-key',
        `A payload is encrypted under key id ${keyId}, which is neither JUNCTION_MASTER_KEY nor one of JUNCTION_PREVIOUS_MASTER_KEYS.`,
      );
    }
    const data = payload.data ? Buffer.from(payload.data) : Buffer.alloc(0);
    if (data.length < HEADER_BYTES || data[0] !== VERSION) {
      throw new PayloadEncryptionError(
        'malformed',
        `An encrypted payload is not in the expected format (version ${data[0] ?? 'missing'}).`,
      );
    }
    const decipher = createDecipheriv('aes-256-gcm', key.key, data.subarray(1, 1 + IV_BYTES), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(ADDITIONAL_DATA);
    decipher.setAuthTag(data.subarray(1 + IV_BYTES, HEADER_BYTES));
    let plaintext: Buffer;
    try {
      plaintext = Buffer.concat([decipher.update(data.subarray(HEADER_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadEncryptionError(
        'tampered',
        `An encrypted payload (key id ${keyId}) failed authentication: it was altered.`,
      );
    }
    const decoded = ProtoPayload.decode(plaintext);
    return { metadata: decoded.metadata, data: decoded.data };
  }
}

function isEncrypted(payload: Payload): boolean {
  const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
  return encoding !== undefined && encoding !== null && utf8Decode(encoding) === ENCRYPTED_ENCODING;
}

/** The codec of a Junction process when TEMPORAL_PAYLOAD_ENCRYPTION=on; null when it is off. */
export function payloadCodecOf(config: {
  readonly temporal: { readonly payloadEncryption: boolean };
  readonly masterKey: string | null;
  readonly previousMasterKeys: readonly string[];
}): EncryptionPayloadCodec | null {
  if (!config.temporal.payloadEncryption) return null;
  // config/ refuses `on` without a master key; this guards callers that build a Config by hand.
  if (!config.masterKey) throw new Error('TEMPORAL_PAYLOAD_ENCRYPTION=on requires JUNCTION_MASTER_KEY.');
  return new EncryptionPayloadCodec({ masterKey: config.masterKey, previousMasterKeys: config.previousMasterKeys });
}
