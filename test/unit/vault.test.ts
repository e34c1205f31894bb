import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../config';
import { CredentialVault, createVault, VaultError } from '../../connectors/vault';
import { createKeyring, deriveDataKey } from '../../connectors/vault/keyring';

const OLD_KEY = 'old-master-key-0123456789abcdef0123456789';
const NEW_KEY = 'new-master-key-fedcba9876543210fedcba9876';
const credentials = { clientId: 'acme-client', clientSecret: 's3cr3t-value-never-shown' };

function vaultError(call: () => unknown): VaultError {
  try {
    call();
  } catch (error) {
    expect(error).to.be.instanceOf(VaultError);
    return error as VaultError;
  }
  expect.fail('expected a VaultError');
}

describe('credential vault', () => {
  const vault = createVault({ masterKey: NEW_KEY, previousMasterKeys: [] });

  it('round-trips credentials, with a fresh IV each time and no plaintext in the record', () => {
    const first = vault.seal('crm.main', credentials);
    const second = vault.seal('crm.main', credentials);
    expect(vault.open('crm.main', first)).to.deep.equal(credentials);
    expect(first.ciphertext.equals(second.ciphertext)).to.equal(false);
    expect(first.ciphertext[0]).to.equal(1);
    expect(first.ciphertext.toString('latin1')).not.to.contain('s3cr3t');
    expect(first.keyId)
      .to.match(/^[0-9a-f]{16}$/)
      .and.equal(vault.currentKeyId);
  });

  it('derives the data key with HKDF: the key id is stable per master key and differs between keys', () => {
    expect(deriveDataKey(NEW_KEY).id).to.equal(deriveDataKey(NEW_KEY).id);
    expect(deriveDataKey(NEW_KEY).id).not.to.equal(deriveDataKey(OLD_KEY).id);
    expect(deriveDataKey(NEW_KEY).key).to.have.length(32);
    expect(deriveDataKey(NEW_KEY).key.equals(Buffer.from(NEW_KEY).subarray(0, 32))).to.equal(false);
  });

  it('when a byte of the record is altered, then opening fails as tampered', () => {
    const sealed = vault.seal('crm.main', credentials);
    for (const index of [5, 20, sealed.ciphertext.length - 1]) {
      const altered = Buffer.from(sealed.ciphertext);
      altered[index] = altered[index]! ^ 0x01;
      expect(vaultError(() => vault.open('crm.main', { ...sealed, ciphertext: altered })).code).to.equal('tampered');
    }
  });

  it('when the record is moved to another instance (wrong AAD), then opening fails as tampered', () => {
    const sealed = vault.seal('crm.main', credentials);
    const error = vaultError(() => vault.open('crm.other', sealed));
    expect(error.code).to.equal('tampered');
    expect(error.message).to.contain('crm.other').and.not.contain('s3cr3t');
  });

  it('when the key id is unknown, the version byte wrong or the record truncated, then it says so', () => {
    const sealed = vault.seal('crm.main', credentials);
    expect(
      vaultError(() => createVault({ masterKey: OLD_KEY, previousMasterKeys: [] }).open('crm.main', sealed)).code,
    ).to.equal('unknown-key');
    const wrongVersion = Buffer.from(sealed.ciphertext);
    wrongVersion[0] = 9;
    expect(vaultError(() => vault.open('crm.main', { ...sealed, ciphertext: wrongVersion })).code).to.equal(
      'malformed',
    );
    expect(
      vaultError(() => vault.open('crm.main', { ...sealed, ciphertext: sealed.ciphertext.subarray(0, 10) })).code,
    ).to.equal('malformed');
  });

  it('without a master key, sealing fails with a message naming JUNCTION_MASTER_KEY', () => {
    const error = vaultError(() =>
      createVault({ masterKey: null, previousMasterKeys: [] }).seal('crm.main', credentials),
    );
    expect(error.code).to.equal('no-master-key');
    expect(error.message).to.contain('JUNCTION_MASTER_KEY');
  });

  it('opens records of a previous key and seals new ones under the current key', () => {
    const old = createVault({ masterKey: OLD_KEY, previousMasterKeys: [] }).seal('crm.main', credentials);
    const rotated = new CredentialVault(createKeyring(NEW_KEY, [OLD_KEY, NEW_KEY]));
    expect(rotated.previousKeyIds).to.deep.equal([old.keyId]);
    expect(rotated.keyState(old.keyId)).to.equal('previous');
    expect(rotated.open('crm.main', old)).to.deep.equal(credentials);
    expect(rotated.seal('crm.main', credentials).keyId).to.equal(rotated.currentKeyId).and.not.equal(old.keyId);
  });

  it('reads JUNCTION_PREVIOUS_MASTER_KEYS as a comma-separated list; a short key names the variable, not the key', () => {
    const config = loadConfig(
      { JUNCTION_MASTER_KEY: NEW_KEY, JUNCTION_PREVIOUS_MASTER_KEYS: ` ${OLD_KEY} ,, ${NEW_KEY}` },
      false,
    );
    expect(config.previousMasterKeys).to.deep.equal([OLD_KEY, NEW_KEY]);
    expect(createVault(config).previousKeyIds, 'the current key is not a previous one').to.deep.equal([
      deriveDataKey(OLD_KEY).id,
    ]);
    expect(loadConfig({}, false).previousMasterKeys).to.deep.equal([]);
    let error: unknown;
    try {
      loadConfig({ JUNCTION_PREVIOUS_MASTER_KEYS: `${OLD_KEY},too-short-key` }, false);
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(ConfigError);
    expect((error as ConfigError).problems).to.deep.equal([
      'JUNCTION_PREVIOUS_MASTER_KEYS.1: each key must be at least 32 characters',
    ]);
    expect((error as ConfigError).message).not.to.contain('too-short-key');
  });
});
