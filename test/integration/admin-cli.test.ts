import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { createVault, type CredentialVault } from '../../connectors/vault';
import { countSandboxRecords } from '../../connectors/sandbox/sandbox-admin';
import { openDatabase } from '../../server/db/database';
import { dropDatabase } from '../../server/db/ensure-database';
import { runJunctionAdmin, runNpmScript } from '../support/admin-runner';
import {
  insertSealedInstance,
  NEW_MASTER_KEY as NEW_KEY,
  OLD_MASTER_KEY as OLD_KEY,
} from '../support/sealed-instances';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
const STRANGER_KEY = 'a-third-master-key-nobody-passed-in-0000';

/** The newest migration of server/db/migrations (`007-flow-versions`): what `migrate down` reverts. */
function lastMigration(): string {
  const names = readdirSync(join(__dirname, '..', '..', 'server', 'db', 'migrations'))
    .filter((file) => /^\d{3}-.*\.ts$/.test(file))
    .map((file) => file.replace(/\.ts$/, ''))
    .sort();
  const last = names.at(-1);
  if (!last) throw new Error('no migrations found');
  return last;
}

describe('junction-admin (integration): migrate, vault, sandbox and usage, as child processes on a real database', function () {
  this.timeout(180_000);

  describe('migrate', () => {
    const url = `mysql://root@127.0.0.1:3306/junction_t_admin_migrate_${randomBytes(4).toString('hex')}`;

    after(async () => {
      await dropDatabase(url);
    });

    it('creates the database and applies every migration, then is a no-op; status lists them; down reverts the last', async () => {
      const last = lastMigration();
      const first = await runJunctionAdmin(url, ['migrate']);
      expect(first.code, first.stderr).to.equal(0);
      expect(first.stdout).to.match(new RegExp(`^migrations applied: 001-core-tables, .*${last}$`, 'm'));

      const again = await runNpmScript(url, 'migrate', []);
      expect(again.code, again.stderr).to.equal(0);
      expect(again.stdout.trim()).to.equal('database schema up to date');

      const status = await runJunctionAdmin(url, ['migrate', 'status']);
      expect(status.code, status.stderr).to.equal(0);
      expect(status.stdout).to.contain('applied\t001-core-tables').and.not.to.contain('pending');

      const down = await runNpmScript(url, 'migrate', ['down']);
      expect(down.code, down.stderr).to.equal(0);
      expect(down.stdout.trim()).to.equal(`reverted: ${last}`);
      expect((await runJunctionAdmin(url, ['migrate', 'status'])).stdout).to.contain(`pending\t${last}`);
      const up = await runJunctionAdmin(url, ['migrate', 'up']);
      expect(up.stdout.trim()).to.equal(`migrations applied: ${last}`);
    });
  });

  describe('vault', () => {
    let db: TestDatabase;

    beforeEach(async () => {
      db = await createTestDatabase('admin_vault');
    });

    afterEach(async () => {
      await db?.destroy();
    });

    const insert = (name: string, vault: CredentialVault | null) => insertSealedInstance(db.models, name, vault);

    it('status names the key ids; rotate --dry-run changes nothing; rotate moves every record to the new key', async () => {
      const oldVault = createVault({ masterKey: OLD_KEY, previousMasterKeys: [] });
      const newVault = createVault({ masterKey: NEW_KEY, previousMasterKeys: [] });
      await insert('crm.one', oldVault);
      await insert('crm.two', oldVault);
      await insert('crm.plain', null);
      const rotating = { JUNCTION_MASTER_KEY: NEW_KEY, JUNCTION_PREVIOUS_MASTER_KEYS: OLD_KEY };

      const status = await runJunctionAdmin(db.url, ['vault', 'status'], rotating);
      expect(status.code, status.stderr).to.equal(0);
      expect(status.stdout).to.contain(`current key id: ${newVault.currentKeyId}`);
      expect(status.stdout).to.contain(`${oldVault.currentKeyId}\tprevious\t2 instance(s)`);
      expect(status.stdout).to.contain('instances without credentials: 1');

      const dryRun = await runJunctionAdmin(db.url, ['vault', 'rotate', '--dry-run'], rotating);
      expect(dryRun.code, dryRun.stderr).to.equal(0);
      expect(dryRun.stdout).to.contain(
        `dry run: would re-encrypt 2 of 2 record(s) under key id ${newVault.currentKeyId}`,
      );
      expect((await db.models.ConnectorInstance.findByPk('crm.one'))!.credentialsKeyId).to.equal(oldVault.currentKeyId);

      const rotate = await runNpmScript(db.url, 'vault', ['rotate']);
      // Without the keys in its environment the npm run has no master key: refused, nothing changed.
      expect(rotate.code).to.equal(5);
      expect(rotate.stderr).to.contain('JUNCTION_MASTER_KEY');

      const rotated = await runJunctionAdmin(db.url, ['vault', 'rotate'], rotating);
      expect(rotated.code, rotated.stderr).to.equal(0);
      expect(rotated.stdout).to.contain(`re-encrypted 2 of 2 record(s) under key id ${newVault.currentKeyId}`);
      expect(rotated.stdout).to.contain(`retired key ids: ${oldVault.currentKeyId}`);
      expect(rotated.stdout + rotated.stderr)
        .not.to.contain('s3cr3t')
        .and.not.to.contain(NEW_KEY);
      for (const row of await db.models.ConnectorInstance.findAll({ where: { name: ['crm.one', 'crm.two'] } }))
        expect(row.credentialsKeyId).to.equal(newVault.currentKeyId);
    });

    it('status exits 1 when a record is under a key the process lacks; rotate then refuses with 5 and changes nothing', async () => {
      const stranger = createVault({ masterKey: STRANGER_KEY, previousMasterKeys: [] });
      await insert('crm.stranger', stranger);
      const env = { JUNCTION_MASTER_KEY: NEW_KEY };
      const status = await runJunctionAdmin(db.url, ['vault', 'status'], env);
      expect(status.code).to.equal(1);
      expect(status.stdout).to.contain(`${stranger.currentKeyId}\tunknown\t1 instance(s)`);
      const rotate = await runJunctionAdmin(db.url, ['vault', 'rotate'], env);
      expect(rotate.code).to.equal(5);
      expect(rotate.stderr).to.contain('crm.stranger');
      expect((await db.models.ConnectorInstance.findByPk('crm.stranger'))!.credentialsKeyId).to.equal(
        stranger.currentKeyId,
      );
    });

    it('a master key that is too short is a configuration error: exit 78, naming the variable', async () => {
      const run = await runJunctionAdmin(db.url, ['vault', 'status'], { JUNCTION_MASTER_KEY: 'short' });
      expect(run.code).to.equal(78);
      expect(run.stderr).to.contain('JUNCTION_MASTER_KEY');
    });
  });

  describe('sandbox', () => {
    let db: TestDatabase;

    before(async () => {
      db = await createTestDatabase('admin_sandbox');
    });

    after(async () => {
      await db?.destroy();
    });

    it('injects faults, lists them, clears them per instance and in all', async () => {
      const fault = await runJunctionAdmin(db.url, [
        'sandbox',
        'fault',
        'erp.main',
        'createSalesOrder',
        'VENDOR_UNAVAILABLE',
        '--times',
        '2',
      ]);
      expect(fault.code, fault.stderr).to.equal(0);
      expect(fault.stdout.trim()).to.equal('erp.main.createSalesOrder fails with VENDOR_UNAVAILABLE 2 time(s)');
      const always = await runNpmScript(db.url, 'sandbox', [
        'fault',
        'crm.main',
        'upsertContact:after',
        'TIMEOUT',
        '--always',
      ]);
      expect(always.stdout.trim()).to.equal('crm.main.upsertContact:after fails with TIMEOUT until cleared');

      const list = await runJunctionAdmin(db.url, ['sandbox', 'faults']);
      expect(list.code, list.stderr).to.equal(0);
      const lines = list.stdout.trim().split('\n');
      expect(lines).to.have.length(2);
      expect(lines[0]).to.match(/^#\d+\terp\.main\tcreateSalesOrder\tVENDOR_UNAVAILABLE\t2 time\(s\)$/);
      expect(lines[1]).to.match(/^#\d+\tcrm\.main\tupsertContact:after\tTIMEOUT\tuntil cleared$/);
      expect(
        (await runJunctionAdmin(db.url, ['sandbox', 'faults', 'crm.main'])).stdout.trim().split('\n'),
      ).to.have.length(1);

      const clearOne = await runJunctionAdmin(db.url, ['sandbox', 'clear', 'erp.main']);
      expect(clearOne.stdout.trim()).to.equal('faults cleared for erp.main');
      expect(await db.models.SandboxFault.count()).to.equal(1);
      const clearAll = await runJunctionAdmin(db.url, ['sandbox', 'clear']);
      expect(clearAll.stdout.trim()).to.equal('faults cleared');
      expect((await runJunctionAdmin(db.url, ['sandbox', 'faults'])).stdout.trim()).to.equal('no faults');
    });

    it('sets a stock level', async () => {
      const run = await runJunctionAdmin(db.url, ['sandbox', 'stock', 'erp.main', 'SKU-42', '7']);
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout.trim()).to.equal('erp.main: SKU-42 has 7 available');
      expect(await countSandboxRecords(db.models, 'erp.main', 'stock')).to.be.greaterThan(0);
    });

    it('refuses an unknown operation or code, a bad count and a negative stock with usage and exit code 2', async () => {
      for (const args of [
        ['fault', 'erp.main', 'dropTables', 'TIMEOUT'],
        ['fault', 'erp.main', 'createSalesOrder', 'NOPE'],
        ['fault', 'erp.main', 'createSalesOrder', 'TIMEOUT', '--times', '0'],
        ['fault', 'erp.main', 'createSalesOrder', 'TIMEOUT', '--times', '2', '--always'],
        ['stock', 'erp.main', 'SKU-1', '-3'],
        ['stock', 'erp.main'],
      ]) {
        const run = await runJunctionAdmin(db.url, ['sandbox', ...args]);
        expect(run.code, args.join(' ')).to.equal(2);
        expect(run.stderr, args.join(' ')).to.match(/junction-admin: /);
      }
      expect(await db.models.SandboxFault.count()).to.equal(0);
    });
  });

  describe('usage and help', () => {
    const url = 'mysql://root@127.0.0.1:3306/junction_t_admin_never_created';

    it('an unknown command, a missing subcommand or an unknown option exits 2 with the usage, touching no database', async () => {
      for (const args of [
        ['frobnicate'],
        ['vault'],
        ['vault', 'rotate', '--now'],
        ['migrate', 'sideways'],
        ['keys', 'list', 'x'],
      ]) {
        const run = await runJunctionAdmin(url, args);
        expect(run.code, args.join(' ')).to.equal(2);
        expect(run.stderr, args.join(' ')).to.contain('Usage: junction-admin');
      }
      const probe = openDatabase('mysql://root@127.0.0.1:3306/information_schema');
      try {
        const [rows] = await probe.sequelize.query("SHOW DATABASES LIKE 'junction_t_admin_never_created'");
        expect(rows).to.deep.equal([]);
      } finally {
        await probe.close();
      }
    });

    it('--help works on every level and exits 0', async () => {
      const top = await runJunctionAdmin(url, ['--help']);
      expect(top.code).to.equal(0);
      for (const group of ['migrate', 'keys', 'vault', 'sandbox']) expect(top.stdout).to.contain(group);
      const fault = await runJunctionAdmin(url, ['sandbox', 'fault', '--help']);
      expect(fault.code).to.equal(0);
      expect(fault.stdout).to.contain('VENDOR_UNAVAILABLE').and.contain('createSalesOrder');
      const rotate = await runNpmScript(url, 'vault', ['rotate', '--help']);
      expect(rotate.code).to.equal(0);
      expect(rotate.stdout).to.contain('--dry-run').and.contain('JUNCTION_PREVIOUS_MASTER_KEYS');
    });

    it('an unreachable database exits 6 (unavailable), as the ops CLI does for an unreachable API', async () => {
      const run = await runJunctionAdmin('mysql://root@127.0.0.1:1/junction', ['keys', 'list']);
      expect(run.code).to.equal(6);
      expect(run.stderr).to.contain('the database cannot be reached');
    });
  });
});
