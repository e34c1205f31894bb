import { expect } from 'chai';
import { generateKey, hashSecret, parseKey, secretMatches } from '../../server/api/keys/api-key-format';
import { parseKeysCommand, UsageError } from '../../server/api/keys/keys-cli-args';
import { grants } from '../../server/api/keys/scopes';

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

describe('keys CLI arguments', () => {
  it('reads create with scopes and an expiry', () => {
    expect(
      parseKeysCommand(['create', '--name', 'shop', '--scopes', 'runs:read, runs:write', '--expires-in-days', '30']),
    ).to.deep.equal({
      kind: 'create',
      name: 'shop',
      scopes: ['runs:read', 'runs:write'],
      expiresInDays: 30,
      actsAs: null,
    });
    expect(parseKeysCommand(['list'])).to.deep.equal({ kind: 'list' });
    expect(parseKeysCommand(['revoke', '12'])).to.deep.equal({ kind: 'revoke', id: 12 });
  });

  it('refuses missing names, unknown scopes, bad expiries, unknown options and commands', () => {
    const bad = [
      [],
      ['create', '--scopes', 'admin'],
      ['create', '--name', 'x'],
      ['create', '--name', 'x', '--scopes', 'root'],
      ['create', '--name', 'x', '--scopes', 'admin', '--expires-in-days', '0'],
      ['create', '--name', 'x', '--scopes', 'admin', '--expires-in-days', 'soon'],
      ['create', '--name', 'x', '--scopes', 'admin', '--bogus'],
      ['revoke'],
      ['revoke', 'abc'],
      ['delete', '1'],
    ];
    for (const argv of bad) expect(() => parseKeysCommand(argv), argv.join(' ')).to.throw(UsageError);
  });
});
