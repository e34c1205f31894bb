import { expect } from 'chai';
import { AppError } from '../../server/errors/app-error';
import { generateKey, parseKey } from '../../server/auth/api-key-format';
import { createApiKeysService } from '../../server/auth/api-keys.service';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('API keys service', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase('api_keys');
  });
  after(async () => {
    await db?.destroy();
  });

  it('returns the key once and stores only its prefix and a hash of the secret', async () => {
    const keys = createApiKeysService({ apiKeys: db.models.ApiKey });
    const created = await keys.createKey({ name: 'shop', scopes: ['runs:read', 'runs:write', 'runs:read'] });
    expect(created.scopes).to.deep.equal(['runs:read', 'runs:write']);
    const row = await db.models.ApiKey.findByPk(created.id);
    const secret = parseKey(created.key)!.secret;
    expect(row!.prefix).to.equal(created.prefix);
    expect(JSON.stringify(row!.toJSON())).not.to.contain(secret);
  });

  it('verifies a valid key into a principal with its name, prefix and scopes', async () => {
    const keys = createApiKeysService({ apiKeys: db.models.ApiKey });
    const created = await keys.createKey({ name: 'erp', scopes: ['runs:read'] });
    expect(await keys.verifyKey(created.key)).to.deep.equal({
      keyId: created.id,
      name: 'erp',
      prefix: created.prefix,
      scopes: ['runs:read'],
      actsAs: null,
    });
  });

  it('stores and verifies process-limited scopes as given', async () => {
    const keys = createApiKeysService({ apiKeys: db.models.ApiKey });
    const created = await keys.createKey({
      name: 'shop-orders',
      scopes: ['runs:write:orderToCash', 'runs:read:*', 'runs:infrastructure'],
    });
    expect(created.scopes).to.deep.equal(['runs:write:orderToCash', 'runs:read:*', 'runs:infrastructure']);
    expect((await keys.verifyKey(created.key))?.scopes).to.deep.equal([
      'runs:write:orderToCash',
      'runs:read:*',
      'runs:infrastructure',
    ]);
  });

  it('refuses a wrong secret for a known prefix, an unknown prefix, and garbage', async () => {
    const keys = createApiKeysService({ apiKeys: db.models.ApiKey });
    const created = await keys.createKey({ name: 'crm', scopes: ['admin'] });
    expect(await keys.verifyKey(`jk_${created.prefix}_${generateKey().secret}`)).to.equal(null);
    expect(await keys.verifyKey(generateKey().key)).to.equal(null);
    expect(await keys.verifyKey('not a key')).to.equal(null);
  });

  it('refuses revoked and expired keys and lists them as such', async () => {
    const keys = createApiKeysService({ apiKeys: db.models.ApiKey });
    const revoked = await keys.createKey({ name: 'old', scopes: ['admin'] });
    const expired = await keys.createKey({ name: 'temp', scopes: ['admin'], expiresAt: new Date(Date.now() - 1000) });
    const future = await keys.createKey({
      name: 'later',
      scopes: ['admin'],
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    expect(await keys.revokeKey(revoked.id)).to.equal(true);
    expect(await keys.revokeKey(revoked.id)).to.equal(true);
    expect(await keys.revokeKey(999_999)).to.equal(false);
    expect(await keys.verifyKey(revoked.key)).to.equal(null);
    expect(await keys.verifyKey(expired.key)).to.equal(null);
    expect(await keys.verifyKey(future.key)).not.to.equal(null);
    const statuses = Object.fromEntries((await keys.listKeys()).map((k) => [k.id, k.status]));
    expect(statuses[revoked.id]).to.equal('revoked');
    expect(statuses[expired.id]).to.equal('expired');
    expect(statuses[future.id]).to.equal('active');
  });

  it('records last use at most once per interval, not on every request', async () => {
    let now = new Date('2030-01-01T00:00:00Z');
    const keys = createApiKeysService({ apiKeys: db.models.ApiKey, now: () => now, lastUsedWriteIntervalMs: 60_000 });
    const created = await keys.createKey({ name: 'busy', scopes: ['runs:read'] });
    const lastUsed = async () => (await db.models.ApiKey.findByPk(created.id))!.lastUsedAt?.toISOString() ?? null;

    await keys.verifyKey(created.key);
    expect(await lastUsed()).to.equal('2030-01-01T00:00:00.000Z');
    now = new Date('2030-01-01T00:00:59Z');
    await keys.verifyKey(created.key);
    expect(await lastUsed()).to.equal('2030-01-01T00:00:00.000Z');
    now = new Date('2030-01-01T00:01:01Z');
    await keys.verifyKey(created.key);
    expect(await lastUsed()).to.equal('2030-01-01T00:01:01.000Z');
  });

  it('refuses a key request without a name or with an unknown scope', async () => {
    const keys = createApiKeysService({ apiKeys: db.models.ApiKey });
    for (const request of [
      { name: ' ', scopes: ['admin'] },
      { name: 'x', scopes: ['root'] },
      { name: 'x', scopes: [] },
    ]) {
      const error = await keys.createKey(request).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(AppError);
      expect((error as AppError).status).to.equal(400);
    }
  });
});
