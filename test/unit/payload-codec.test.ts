import { expect } from 'chai';
import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { str as utf8Decode } from '@temporalio/common';
import { ConfigError, loadConfig } from '../../config';
import { deriveDataKey } from '../../connectors/vault/keyring';
import {
  ENCRYPTED_ENCODING,
  EncryptionPayloadCodec,
  METADATA_KEY_ID,
  payloadCodecOf,
  PayloadEncryptionError,
} from '../../server/temporal/payload-codec';

const OLD_KEY = 'old-master-key-0123456789abcdef0123456789';
const NEW_KEY = 'new-master-key-fedcba9876543210fedcba9876';
const order = { orderId: 'A-1001', customer: { email: 'ada@example.com' }, total: 44.98 };

async function codecError(call: () => Promise<unknown>): Promise<PayloadEncryptionError> {
  try {
    await call();
  } catch (error) {
    expect(error).to.be.instanceOf(PayloadEncryptionError);
    return error as PayloadEncryptionError;
  }
  expect.fail('expected a PayloadEncryptionError');
}

const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('latin1');

describe('payload codec (AES-256-GCM, TEMPORAL_PAYLOAD_ENCRYPTION)', () => {
  const codec = new EncryptionPayloadCodec({ masterKey: NEW_KEY });
  const plain: Payload = defaultPayloadConverter.toPayload(order);

  it('round-trips a payload: metadata and data come back exactly, and the encrypted form hides both', async () => {
    const [encrypted] = await codec.encode([plain]);
    expect(utf8Decode(encrypted!.metadata![METADATA_ENCODING_KEY]!)).to.equal(ENCRYPTED_ENCODING);
    expect(utf8Decode(encrypted!.metadata![METADATA_KEY_ID]!))
      .to.equal(codec.currentKeyId)
      .and.match(/^[0-9a-f]{16}$/);
    expect(Object.keys(encrypted!.metadata!)).to.have.members([METADATA_ENCODING_KEY, METADATA_KEY_ID]);
    expect(text(encrypted!.data)).not.to.contain('ada@example.com').and.not.contain('json/plain');

    const [decoded] = await codec.decode([encrypted!]);
    expect(utf8Decode(decoded!.metadata![METADATA_ENCODING_KEY]!)).to.equal('json/plain');
    expect(defaultPayloadConverter.fromPayload(decoded!)).to.deep.equal(order);
  });

  it('uses a fresh IV for every payload, and a key that is neither the master key nor the vault key', async () => {
    const [first, second] = await codec.encode([plain, plain]);
    expect(Buffer.from(first!.data!).equals(Buffer.from(second!.data!))).to.equal(false);
    expect(codec.currentKeyId).not.to.equal(deriveDataKey(NEW_KEY).id);
  });

  it('passes payloads that are not encrypted through decode unchanged (histories recorded before, replays)', async () => {
    const binary: Payload = {
      metadata: { [METADATA_ENCODING_KEY]: Buffer.from('binary/plain') },
      data: Buffer.from([1, 2, 3]),
    };
    const noMetadata: Payload = { data: Buffer.from('x') };
    const decoded = await codec.decode([plain, binary, noMetadata]);
    expect(decoded[0]).to.equal(plain);
    expect(decoded[1]).to.equal(binary);
    expect(decoded[2]).to.equal(noMetadata);
  });

  it('refuses a payload whose ciphertext, tag or IV was altered', async () => {
    const [encrypted] = await codec.encode([plain]);
    for (const offset of [1, 14, 40]) {
      const data = Buffer.from(encrypted!.data!);
      data[offset] = data[offset]! ^ 0x01;
      const error = await codecError(() => codec.decode([{ metadata: encrypted!.metadata!, data }]));
      expect(error.code).to.equal('tampered');
      expect(error.message).not.to.contain('ada@example.com');
    }
    const truncated = await codecError(() =>
      codec.decode([{ metadata: encrypted!.metadata!, data: Buffer.from(encrypted!.data!).subarray(0, 20) }]),
    );
    expect(truncated.code).to.equal('malformed');
  });

  it('refuses a payload under an unknown key id, naming it and both variables', async () => {
    const [foreign] = await new EncryptionPayloadCodec({ masterKey: OLD_KEY }).encode([plain]);
    const error = await codecError(() => codec.decode([foreign!]));
    expect(error.code).to.equal('unknown-key');
    expect(error.message)
      .to.contain(utf8Decode(foreign!.metadata![METADATA_KEY_ID]!))
      .and.contain('JUNCTION_MASTER_KEY')
      .and.contain('JUNCTION_PREVIOUS_MASTER_KEYS');
  });

  it('decodes payloads under a previous master key after a rotation, and encodes under the new one', async () => {
    const before = new EncryptionPayloadCodec({ masterKey: OLD_KEY });
    const [old] = await before.encode([plain]);
    const rotated = new EncryptionPayloadCodec({ masterKey: NEW_KEY, previousMasterKeys: [OLD_KEY] });
    const [decoded] = await rotated.decode([old!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).to.deep.equal(order);
    const [fresh] = await rotated.encode([plain]);
    expect(utf8Decode(fresh!.metadata![METADATA_KEY_ID]!))
      .to.equal(codec.currentKeyId)
      .and.not.equal(before.currentKeyId);
  });

  describe('configuration', () => {
    it('is off by default: no codec', () => {
      const config = loadConfig({ JUNCTION_MASTER_KEY: NEW_KEY }, false);
      expect(config.temporal.payloadEncryption).to.equal(false);
      expect(config.temporal.uiOrigin).to.equal('http://127.0.0.1:8233');
      expect(payloadCodecOf(config)).to.equal(null);
    });

    it('on: a codec keyed by JUNCTION_MASTER_KEY that also opens JUNCTION_PREVIOUS_MASTER_KEYS payloads', async () => {
      const config = loadConfig(
        { TEMPORAL_PAYLOAD_ENCRYPTION: 'on', JUNCTION_MASTER_KEY: NEW_KEY, JUNCTION_PREVIOUS_MASTER_KEYS: OLD_KEY },
        false,
      );
      const configured = payloadCodecOf(config);
      expect(configured?.currentKeyId).to.equal(codec.currentKeyId);
      const [old] = await new EncryptionPayloadCodec({ masterKey: OLD_KEY }).encode([plain]);
      expect(defaultPayloadConverter.fromPayload((await configured!.decode([old!]))[0]!)).to.deep.equal(order);
    });

    it('on without JUNCTION_MASTER_KEY is a ConfigError naming both variables', () => {
      let thrown: unknown;
      try {
        loadConfig({ TEMPORAL_PAYLOAD_ENCRYPTION: 'on' }, false);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).to.be.instanceOf(ConfigError);
      expect((thrown as ConfigError).message)
        .to.contain('TEMPORAL_PAYLOAD_ENCRYPTION')
        .and.contain('JUNCTION_MASTER_KEY');
    });

    it('refuses a value other than on/off and a UI origin with a path', () => {
      expect(() => loadConfig({ TEMPORAL_PAYLOAD_ENCRYPTION: 'yes', JUNCTION_MASTER_KEY: NEW_KEY }, false)).to.throw(
        ConfigError,
        'TEMPORAL_PAYLOAD_ENCRYPTION',
      );
      expect(() => loadConfig({ TEMPORAL_UI_ORIGIN: 'http://ui.example.com/path' }, false)).to.throw(
        ConfigError,
        'TEMPORAL_UI_ORIGIN',
      );
    });
  });
});
