import { expect } from 'chai';
import { type CredentialVault, createVault, VaultError } from '../../connectors/vault';
import { rotateCredentials, vaultStatus } from '../../server/connectors/vault-rotation';
import {
  insertSealedInstance,
  NEW_MASTER_KEY as NEW_KEY,
  OLD_MASTER_KEY as OLD_KEY,
  SEALED_SECRET,
} from '../support/sealed-instances';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('credential vault: rotation (MariaDB)', () => {
  let db: TestDatabase;

  before(async () => {
    db = await createTestDatabase('vault');
  });

  after(async () => {
    await db?.destroy();
  });

  const insert = (name: string, vault: CredentialVault | null) => insertSealedInstance(db.models, name, vault);

  it('re-encrypts every record under the new key in one go; the old key id disappears', async () => {
    const oldVault = createVault({ masterKey: OLD_KEY, previousMasterKeys: [] });
    await insert('crm.one', oldVault);
    await insert('crm.two', oldVault);
    await insert('crm.plain', null);
    const rotating = createVault({ masterKey: NEW_KEY, previousMasterKeys: [OLD_KEY] });
    await insert('crm.three', rotating);

    const before = await vaultStatus(db.models.ConnectorInstance, rotating);
    expect(before.keys).to.deep.include.members([
      { keyId: oldVault.currentKeyId, state: 'previous', instances: 2 },
      { keyId: rotating.currentKeyId, state: 'current', instances: 1 },
    ]);
    expect(before.withoutCredentials).to.equal(1);

    const dryRun = await rotateCredentials(db.models.ConnectorInstance, rotating, { dryRun: true });
    expect(dryRun).to.include({ total: 3, reencrypted: 2, alreadyCurrent: 1, dryRun: true });
    expect((await vaultStatus(db.models.ConnectorInstance, rotating)).keys).to.deep.equal(before.keys);

    const report = await rotateCredentials(db.models.ConnectorInstance, rotating);
    expect(report).to.deep.equal({
      currentKeyId: rotating.currentKeyId,
      total: 3,
      reencrypted: 2,
      alreadyCurrent: 1,
      retiredKeyIds: [oldVault.currentKeyId],
      dryRun: false,
    });

    const after = await vaultStatus(db.models.ConnectorInstance, rotating);
    expect(after.keys).to.deep.equal([{ keyId: rotating.currentKeyId, state: 'current', instances: 3 }]);
    // Only the new key is needed from now on.
    const newOnly = createVault({ masterKey: NEW_KEY, previousMasterKeys: [] });
    for (const row of await db.models.ConnectorInstance.findAll({
      where: { name: ['crm.one', 'crm.two', 'crm.three'] },
    })) {
      expect(
        newOnly.open(row.name, { ciphertext: row.credentialsCiphertext!, keyId: row.credentialsKeyId! }),
      ).to.deep.equal({ clientId: 'acme-client', clientSecret: SEALED_SECRET, instance: row.name });
    }
    expect((await rotateCredentials(db.models.ConnectorInstance, rotating)).reencrypted).to.equal(0);
  });

  it('when a record is under a key it was not given, then rotation fails and changes nothing', async () => {
    const stranger = createVault({ masterKey: 'a-third-master-key-nobody-passed-in-0000', previousMasterKeys: [] });
    await insert('crm.stranger', stranger);
    const oldVault = createVault({ masterKey: OLD_KEY, previousMasterKeys: [] });
    await insert('crm.four', oldVault);
    const rotating = createVault({ masterKey: NEW_KEY, previousMasterKeys: [OLD_KEY] });
    const error = await rotateCredentials(db.models.ConnectorInstance, rotating).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(VaultError).and.have.property('code', 'unknown-key');
    expect((error as Error).message).to.contain('crm.stranger');
    const four = await db.models.ConnectorInstance.findByPk('crm.four');
    expect(four?.credentialsKeyId, 'rolled back').to.equal(oldVault.currentKeyId);
    const status = await vaultStatus(db.models.ConnectorInstance, rotating);
    expect(status.keys.find((key) => key.keyId === stranger.currentKeyId)?.state).to.equal('unknown');
  });
});
