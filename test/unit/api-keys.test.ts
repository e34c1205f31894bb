import { Writable } from 'node:stream';
import { expect } from 'chai';
import { AppError } from '../../server/errors/app-error';
import { generateKey, hashSecret, parseKey, secretMatches } from '../../server/auth/api-key-format';
import { createApiKeysService } from '../../server/auth/api-keys.service';
import { grants } from '../../server/auth/scopes';
import { parseKeyId, parseScopes } from '../../server/admin/keys-options';
import { runAdmin } from '../../server/admin/main';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('API key format', () => {
  it('generates jk_<12-char prefix>_<32-char secret> keys that parse back to their parts', () => {
    const { key, prefix, secret } = generateKey();
    expect(key).to.match(/^jk_[0-9A-Za-z]{12}_[0-9A-Za-z]{32}$/);
    expect(parseKey(key)).to.deep.equal({ prefix, secret });
  });

  it('never generates the same key twice in a thousand draws', () => {
    const keys = new Set(Array.from({ length: 1000 }, () => generateKey().key));
    expect(keys.size).to.equal(1000);
  });

  it('rejects strings that cannot be keys before any lookup', () => {
    const { key } = generateKey();
    for (const bad of [
      '',
      'jk_',
      key.slice(0, -1),
      `${key}x`,
      key.replace('jk_', 'xx_'),
      `${key.slice(0, 20)}-${key.slice(21)}`,
      ` ${key}`,
    ]) {
      expect(parseKey(bad), bad).to.equal(null);
    }
  });

  it('stores a hash that matches only the original secret', () => {
    const { secret } = generateKey();
    const stored = hashSecret(secret);
    expect(stored).to.match(/^sha256\$[0-9a-f]{64}$/);
    expect(stored).not.to.contain(secret);
    expect(secretMatches(secret, stored)).to.equal(true);
    expect(secretMatches(generateKey().secret, stored)).to.equal(false);
    expect(secretMatches(secret, 'scrypt$abcd')).to.equal(false);
  });

  it('lets admin stand in for every scope, and other scopes only for themselves', () => {
    expect(grants(['admin'], 'runs:write')).to.equal(true);
    expect(grants(['runs:read'], 'runs:read')).to.equal(true);
    expect(grants(['runs:read'], 'runs:write')).to.equal(false);
    expect(grants([], 'runs:read')).to.equal(false);
    // A key limited to one process does not hold the plain scope (every process).
    expect(grants(['runs:write:orderToCash'], 'runs:write')).to.equal(false);
  });
});

/** Runs junction-admin in this process; every argv here fails before a command touches a database. */
async function adminExitCode(argv: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const sink = (collect: boolean) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        if (collect) stderr += chunk.toString();
        done();
      },
    });
  const code = await runAdmin(['node', 'junction-admin', ...argv], { stdout: sink(false), stderr: sink(true) });
  return { code, stderr };
}

describe('junction-admin keys arguments', () => {
  it('reads scopes as a trimmed comma-separated list and key ids as numbers', () => {
    expect(parseScopes('runs:read, runs:write')).to.deep.equal(['runs:read', 'runs:write']);
    expect(parseKeyId('12')).to.equal(12);
  });

  it('refuses missing names, unknown scopes, bad expiries, unknown options and commands with exit code 2', async () => {
    const bad = [
      ['keys'],
      ['keys', 'create', '--scopes', 'admin'],
      ['keys', 'create', '--name', 'x'],
      ['keys', 'create', '--name', ' ', '--scopes', 'admin'],
      ['keys', 'create', '--name', 'x', '--scopes', 'root'],
      ['keys', 'create', '--name', 'x', '--scopes', 'admin', '--expires-in-days', '0'],
      ['keys', 'create', '--name', 'x', '--scopes', 'admin', '--expires-in-days', 'soon'],
      ['keys', 'create', '--name', 'x', '--scopes', 'admin', '--expires-in-days', '3', '--never-expires'],
      ['keys', 'create', '--name', 'x', '--scopes', 'admin', '--acts-as', 'nobody'],
      ['keys', 'create', '--name', 'x', '--scopes', 'admin', '--bogus'],
      ['keys', 'list', 'extra'],
      ['keys', 'revoke'],
      ['keys', 'revoke', 'abc'],
      ['keys', 'delete', '1'],
    ];
    for (const argv of bad) {
      const run = await adminExitCode(argv);
      expect(run.code, argv.join(' ')).to.equal(2);
      expect(run.stderr, argv.join(' ')).to.match(/usage:/i);
    }
  });
});

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
