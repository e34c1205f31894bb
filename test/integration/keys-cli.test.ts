import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { createApiKeysService, type ApiKeysService } from '../../server/api/keys/api-keys.service';
import { bootstrapAdminKey } from '../../server/api/keys/bootstrap-admin';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

const KEY_SHAPE = /jk_[0-9A-Za-z]{12}_[0-9A-Za-z]{32}/;

describe('keys CLI (integration): npm run keys against a real database', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let keys: ApiKeysService;

  /** Runs server/api/keys.cli.ts as `npm run keys` does (tsx), against the test database. */
  async function keysCli(...args: string[]): Promise<CliRun> {
    try {
      const { stdout, stderr } = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', 'server/api/keys.cli.ts', ...args],
        {
          env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'info' },
        },
      );
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
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
      expect(run.stderr).to.contain('usage:');
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
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.contain('no key #424242');
  });
});
