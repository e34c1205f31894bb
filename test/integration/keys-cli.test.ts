import { expect } from 'chai';
import { createApiKeysService, type ApiKeysService } from '../../server/auth/api-keys.service';
import { bootstrapAdminKey } from '../../server/auth/bootstrap-admin';
import { runJunctionAdmin, runNpmScript, type AdminRun } from '../support/admin-runner';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const KEY_SHAPE = /jk_[0-9A-Za-z]{12}_[0-9A-Za-z]{32}/;

describe('junction-admin keys (integration): the real program against a real database', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let keys: ApiKeysService;

  /** Runs `junction-admin keys …` as a child process, against the test database. */
  function keysCli(...args: string[]): Promise<AdminRun> {
    return runJunctionAdmin(db.url, ['keys', ...args]);
  }

  const lastLine = (stdout: string): string => stdout.trimEnd().split('\n').pop()!;

  async function adminKeys() {
    return (await keys.listKeys()).filter((key) => key.scopes.includes('admin'));
  }

  beforeEach(async () => {
    db = await createTestDatabase('keys_cli');
    keys = createApiKeysService({ apiKeys: db.models.ApiKey });
  });

  afterEach(async () => {
    await db?.destroy();
  });

  it('bootstrap-admin creates the first admin key on a fresh install, printed once on the last line', async () => {
    const run = await keysCli('bootstrap-admin');
    expect(run.code, run.stderr).to.equal(0);
    const key = lastLine(run.stdout);
    expect(key).to.match(new RegExp(`^${KEY_SHAPE.source}$`));
    expect(await keys.verifyKey(key)).to.deep.include({ name: 'admin', scopes: ['admin'] });
    // Without --expires-in-days the key lives the default lifetime (90 days), not forever.
    expect(run.stdout).to.match(/expires: \d{4}-\d{2}-\d{2}T/);
  });

  it('bootstrap-admin is idempotent: with an active admin key it creates none, prints no key and exits 0', async () => {
    const first = await keysCli('bootstrap-admin', '--name', 'first-admin', '--expires-in-days', '90');
    expect(first.code, first.stderr).to.equal(0);
    const [created] = await adminKeys();
    expect(created!.expiresAt!.getTime()).to.be.closeTo(Date.now() + 90 * 86_400_000, 120_000);

    const second = await keysCli('bootstrap-admin');
    expect(second.code, second.stderr).to.equal(0);
    expect(second.stdout).to.contain(
      `an active admin key exists (#${created!.id} "first-admin", prefix ${created!.prefix})`,
    );
    expect(second.stdout + second.stderr).not.to.match(KEY_SHAPE);
    expect(await adminKeys()).to.have.length(1);
  });

  it('bootstrap-admin --force creates another admin key even when one is active', async () => {
    await keys.createKey({ name: 'existing', scopes: ['admin'] });
    const run = await keysCli('bootstrap-admin', '--force', '--name', 'break-glass');
    expect(run.code, run.stderr).to.equal(0);
    expect(await keys.verifyKey(lastLine(run.stdout))).to.deep.include({ name: 'break-glass', scopes: ['admin'] });
    expect((await adminKeys()).map((key) => key.name)).to.have.members(['existing', 'break-glass']);
  });

  it('bootstrap-admin does not count revoked or expired admin keys, or active keys without admin', async () => {
    const revoked = await keys.createKey({ name: 'revoked-admin', scopes: ['admin'] });
    await keys.revokeKey(revoked.id);
    await keys.createKey({ name: 'expired-admin', scopes: ['admin'], expiresAt: new Date(Date.now() - 1_000) });
    await keys.createKey({
      name: 'writer',
      scopes: ['runs:read', 'runs:write', 'schedules:write', 'connectors:write'],
    });
    const run = await keysCli('bootstrap-admin');
    expect(run.code, run.stderr).to.equal(0);
    expect(await keys.verifyKey(lastLine(run.stdout))).to.deep.include({ name: 'admin', scopes: ['admin'] });
  });

  it('three bootstrap-admin processes started together leave exactly one admin key', async () => {
    const runs = await Promise.all([
      keysCli('bootstrap-admin'),
      keysCli('bootstrap-admin'),
      keysCli('bootstrap-admin'),
    ]);
    for (const run of runs) expect(run.code, run.stderr).to.equal(0);
    expect(runs.filter((run) => KEY_SHAPE.test(run.stdout))).to.have.length(1);
    expect(runs.filter((run) => run.stdout.includes('an active admin key exists'))).to.have.length(2);
    expect(await adminKeys()).to.have.length(1);
  });

  it('concurrent bootstraps in one process, each on its own connection, also create exactly one key (the named lock)', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        bootstrapAdminKey({ keys, apiKeys: db.models.ApiKey }, { name: 'admin', expiresAt: null, force: false }),
      ),
    );
    expect(results.filter((result) => 'created' in result)).to.have.length(1);
    expect(await adminKeys()).to.have.length(1);
  });

  it('bootstrap-admin refuses flags it does not take with usage and exit code 2', async () => {
    for (const args of [['--scopes', 'runs:read'], ['--name', ''], ['--expires-in-days', '0'], ['extra']]) {
      const run = await keysCli('bootstrap-admin', ...args);
      expect(run.code, args.join(' ')).to.equal(2);
      expect(run.stderr).to.contain('Usage: junction-admin keys bootstrap-admin');
    }
    expect(await keys.listKeys()).to.deep.equal([]);
  });

  it('list shows status and scopes but no secret or hash; revoke says when a key was already revoked', async () => {
    const created = await keys.createKey({ name: 'listed', scopes: ['runs:read', 'runs:write'] });
    const list = await keysCli('list');
    expect(list.code, list.stderr).to.equal(0);
    expect(list.stdout).to.contain(`#${created.id}\t${created.prefix}\tactive\tlisted\truns:read,runs:write`);
    const hash = (await db.models.ApiKey.findByPk(created.id))!.secretHash;
    expect(list.stdout).not.to.contain(created.key);
    expect(list.stdout).not.to.contain(hash.slice('sha256$'.length));

    const revoke = await keysCli('revoke', String(created.id));
    expect(revoke.code, revoke.stderr).to.equal(0);
    expect(revoke.stdout).to.match(new RegExp(`^revoked key #${created.id} at \\d{4}-`));
    expect(await keys.verifyKey(created.key)).to.equal(null);
    const again = await keysCli('revoke', String(created.id));
    expect(again.code).to.equal(0);
    expect(again.stdout).to.contain(`key #${created.id} was already revoked at`);
    const missing = await keysCli('revoke', '424242');
    expect(missing.code, 'not found, as in the ops CLI').to.equal(4);
    expect(missing.stderr).to.contain('no key #424242');
  });

  it('create prints the key alone on the last line, with its scopes, person and expiry, and the key works', async () => {
    const run = await keysCli(
      'create',
      '--name',
      'shop',
      '--scopes',
      'runs:read, runs:write:orderToCash',
      '--acts-as',
      'Ann@Example.com',
      '--expires-in-days',
      '2',
    );
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain('scopes: runs:read, runs:write:orderToCash');
    expect(run.stdout).to.contain('acts as: ann@example.com');
    const verified = await keys.verifyKey(lastLine(run.stdout));
    expect(verified).to.deep.include({ name: 'shop', scopes: ['runs:read', 'runs:write:orderToCash'] });
    const [stored] = await keys.listKeys();
    expect(stored!.expiresAt!.getTime()).to.be.closeTo(Date.now() + 2 * 86_400_000, 120_000);

    const forever = await keysCli('create', '--name', 'forever', '--scopes', 'admin', '--never-expires');
    expect(forever.code, forever.stderr).to.equal(0);
    expect(forever.stdout).to.contain('expires: never');
  });

  it('create refuses a missing scope, an unknown process type or both expiries with usage and exit code 2, creating nothing', async () => {
    for (const args of [
      ['--name', 'x'],
      ['--name', 'x', '--scopes', 'runs:write:orderToKash'],
      ['--name', 'x', '--scopes', 'admin', '--expires-in-days', '3', '--never-expires'],
    ]) {
      const run = await keysCli('create', ...args);
      expect(run.code, args.join(' ')).to.equal(2);
      expect(run.stderr).to.contain('Usage: junction-admin keys create');
    }
    expect((await keysCli('create', '--name', 'x', '--scopes', 'runs:write:orderToKash')).stderr).to.contain(
      'orderToKash',
    );
    expect(await keys.listKeys()).to.deep.equal([]);
  });

  it('the npm shortcut `npm run keys -- …` runs the same command, with the same output', async () => {
    const created = await runNpmScript(db.url, 'keys', ['create', '--name', 'via-npm', '--scopes', 'runs:read']);
    expect(created.code, created.stderr).to.equal(0);
    expect(await keys.verifyKey(lastLine(created.stdout))).to.deep.include({ name: 'via-npm' });
    const list = await runNpmScript(db.url, 'keys', ['list']);
    expect(list.stdout).to.match(/^#\d+\t\w+\tactive\tvia-npm\truns:read\t/);
  });
});
