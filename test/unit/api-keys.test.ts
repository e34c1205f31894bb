import { Writable } from 'node:stream';
import { expect } from 'chai';
import { generateKey, hashSecret, parseKey, secretMatches } from '../../server/auth/api-key-format';
import { grants } from '../../server/auth/scopes';
import { parseKeyId, parseScopes } from '../../server/admin/keys-options';
import { runAdmin } from '../../server/admin/main';

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
