import { expect } from 'chai';
import { stringify as toYaml } from 'yaml';
import { closedPort } from '../support/cli-runner';
import { startCliStack, type CliStack, type JunctionCallOptions } from '../support/cli-stack';
import { eventually } from '../support/eventually';
import { newOrderInput, uniqueId } from '../support/order-fixtures';
import { deleteSchedules } from '../support/temporal-cleanup';

describe('junction CLI (e2e): workflows, connectors, schedules, keys and audit against a real API', function () {
  this.timeout(180_000);
  let stack: CliStack;
  const schedules = new Set<string>();
  const junction = (args: string[], options?: JunctionCallOptions) => stack.junction(args, options);

  before(async () => {
    stack = await startCliStack('cli_admin', { worker: true });
  });

  after(async () => {
    await deleteSchedules(stack?.temporal, schedules);
    await stack?.close();
  });

  describe('workflows, connectors, schedules', () => {
    it('workflows list: a table of the catalog; --json is byte for byte the API’s body', async () => {
      const table = await junction(['workflows', 'list']);
      expect(table.code).to.equal(0);
      expect(table.stdout).to.match(/TYPE.*DESCRIPTION.*SIGNALS.*UPDATES.*QUERIES/);
      expect(table.stdout)
        .to.contain('orderToCash')
        .and.contain('purchaseApproval')
        .and.match(/approve, reject/);
      const json = await junction(['workflows', 'list', '--json'], { key: stack.readerKey });
      expect(json.stdout).to.equal(`${(await stack.apiGet('/v1/workflows')).text}\n`);
    });

    it('connectors: list, show, a passing test (0), a failing one (1), create from YAML and delete', async () => {
      const list = await junction(['connectors', 'list']);
      expect(list.code).to.equal(0);
      expect(list.stdout).to.match(/erp\.main\s*│\s*erp\s*│\s*sandbox/);
      expect((await junction(['connectors', 'show', 'erp.main'])).stdout).to.match(/Vendor\s+sandbox/);

      const passing = await junction(['connectors', 'test', 'erp.main']);
      expect(passing.code, passing.stderr).to.equal(0);
      expect(passing.stdout).to.match(/^erp\.main: ok \(\d+ ms\)\n$/);

      const name = `email.cli-${Date.now().toString(36)}`;
      const spec = {
        name,
        kind: 'email',
        vendor: 'smtp',
        settings: {
          url: `smtp://127.0.0.1:${await closedPort()}`,
          from: 'Ops <ops@corp.example>',
          connectionTimeoutMs: 2000,
        },
      };
      const created = await junction([
        'connectors',
        'create',
        '--file',
        await stack.writeTemp(`${name}.yaml`, toYaml(spec)),
        '--quiet',
      ]);
      expect(created.code, created.stderr).to.equal(0);
      expect(created.stdout).to.equal(`${name}\n`);
      const failing = await junction(['connectors', 'test', name, '--json']);
      expect(failing.code).to.equal(1);
      expect(JSON.parse(failing.stdout)).to.deep.include({ ok: false });

      const deleted = await junction(['connectors', 'delete', name]);
      expect(deleted.code, deleted.stderr).to.equal(0);
      expect(deleted.stderr).to.equal(`Deleted connector ${name}.\n`);
      const gone = await junction(['connectors', 'show', name, '--json']);
      expect(gone.code).to.equal(4);
      expect(JSON.parse(gone.stdout)).to.include({ status: 404 });
    });

    it('schedules: create from YAML, list, show, pause, unpause, trigger, backfill, delete', async () => {
      const id = uniqueId('cli-schedule');
      schedules.add(id);
      const spec = {
        id,
        description: 'CLI test',
        workflow: 'orderToCash',
        input: newOrderInput(),
        every: '1h',
        overlap: 'allow_all',
      };
      const created = await junction([
        'schedules',
        'create',
        '--file',
        await stack.writeTemp(`${id}.yaml`, toYaml(spec)),
      ]);
      expect(created.code, created.stderr).to.equal(0);
      expect(created.stdout)
        .to.match(/Timing\s+every 1h \(UTC\)/)
        .and.match(/State\s+active/);

      // Each read spawns the CLI: poll less often than the default.
      const listed = await eventually(
        'the schedule listed',
        () => junction(['schedules', 'list', '--quiet']),
        (result) => result.stdout.split('\n').includes(id),
        { intervalMs: 500 },
      );
      expect(listed.stdout.split('\n')).to.include(id);
      const table = await junction(['schedules', 'list']);
      expect(table.stdout)
        .to.match(/ID.*WORKFLOW.*STATE/)
        .and.contain(id);

      const paused = await junction(['schedules', 'pause', id, '--note', 'maintenance']);
      expect(paused.stdout).to.equal(`${id}: paused (maintenance)\n`);
      const shown = await junction(['schedules', 'show', id, '--json']);
      expect(JSON.parse(shown.stdout)).to.deep.include({ state: { paused: true, note: 'maintenance' } });
      expect((await junction(['schedules', 'unpause', id])).stdout).to.match(new RegExp(`^${id}: active`));

      const triggered = await junction(['schedules', 'trigger', id]);
      expect(triggered.code, triggered.stderr).to.equal(0);
      expect(triggered.stdout).to.equal(`Triggered ${id} (overlap allow_all).\n`);

      const hour = 3_600_000;
      // Half past to half past: three whole hours fall inside, whatever the range ends count.
      const from = new Date(Math.floor(Date.now() / hour) * hour - 3.5 * hour).toISOString();
      const to = new Date(Date.parse(from) + 3 * hour).toISOString();
      const backfill = await junction(['schedules', 'backfill', id, '--from', from, '--to', to, '--json']);
      expect(backfill.code, backfill.stderr).to.equal(0);
      expect(JSON.parse(backfill.stdout)).to.deep.include({ id, actions: 3 });
      expect((await junction(['schedules', 'backfill', id, '--from', 'yesterday', '--to', to])).code).to.equal(2);

      expect((await junction(['schedules', 'delete', id])).code).to.equal(0);
      schedules.delete(id);
      expect((await junction(['schedules', 'show', id])).code).to.equal(4);
    });
  });

  describe('keys and audit', () => {
    it('keys create prints the new key once; it works until keys revoke; a second revoke exits 5; audit list names both', async () => {
      const name = uniqueId('cli-key');
      const created = await junction([
        'keys',
        'create',
        '--name',
        name,
        '--scopes',
        'runs:read,runs:write',
        '--expires-in-days',
        '30',
        '--json',
      ]);
      expect(created.code, created.stderr).to.equal(0);
      const body = JSON.parse(created.stdout) as {
        id: number;
        key: string;
        prefix: string;
        scopes: string[];
        expiresAt: string;
      };
      expect(body.scopes).to.deep.equal(['runs:read', 'runs:write']);
      expect(Date.parse(body.expiresAt) - Date.now()).to.be.within(29.9 * 86_400_000, 30 * 86_400_000);
      const id = String(body.id);
      expect((await junction(['workflows', 'list', '--quiet'], { key: body.key })).code).to.equal(0);

      const quiet = await junction(['keys', 'create', '--name', `${name}-quiet`, '--scopes', 'runs:read', '--quiet']);
      expect(quiet.stdout).to.match(/^jk_[A-Za-z0-9]+_[A-Za-z0-9]+\n$/);
      expect(quiet.stderr).to.equal('');
      const human = await junction([
        'keys',
        'create',
        '--name',
        `${name}-human`,
        '--scopes',
        'admin',
        '--never-expires',
      ]);
      expect(human.stdout)
        .to.match(/Key\s+jk_/)
        .and.match(/Expires\s+never/);
      expect(human.stderr).to.equal('Store the key now: it is not shown again.\n');

      const listed = await junction(['keys', 'list']);
      expect(listed.stdout)
        .to.match(/ID.*NAME.*PREFIX.*SCOPES.*STATUS/)
        .and.match(new RegExp(`${name}\\s*│\\s*${body.prefix}\\s*│\\s*runs:read, runs:write\\s*│\\s*active`));
      expect(listed.stdout).not.to.contain(body.key);

      const revoked = await junction(['keys', 'revoke', id]);
      expect(revoked.code, revoked.stderr).to.equal(0);
      expect(revoked.stdout).to.equal(`Revoked key ${id} (${name}, ${body.prefix}).\n`);
      expect((await junction(['workflows', 'list'], { key: body.key })).code).to.equal(3);
      const again = await junction(['keys', 'revoke', id]);
      expect(again.code).to.equal(5);
      expect(again.stderr).to.contain('HTTP 409');
      expect((await junction(['keys', 'list', '--status', 'revoked', '--quiet'])).stdout.split('\n')).to.include(id);
      expect((await junction(['keys', 'show', id, '--json'])).stdout).to.contain('"status":"revoked"');
      expect((await junction(['keys', 'show', 'twelve'])).code).to.equal(2);
      expect((await junction(['keys', 'show', '4000000000'])).code).to.equal(4);
      expect(
        (
          await junction([
            'keys',
            'create',
            '--name',
            'x',
            '--scopes',
            'runs:read',
            '--expires-in-days',
            '3',
            '--expires-at',
            '2031-01-01T00:00:00Z',
          ])
        ).code,
      ).to.equal(2);

      // Audit rows are written as each response finishes: the last one may trail the answer by a moment.
      const trail = await eventually(
        'the refused revoke audited',
        () => junction(['audit', 'list', '--target', id, '--json']),
        (result) => result.stdout.includes('"statusCode":409'),
        { intervalMs: 500 },
      );
      expect(trail.code, trail.stderr).to.equal(0);
      const entries = (JSON.parse(trail.stdout) as { items: { action: string; outcome: string; statusCode: number }[] })
        .items;
      expect(entries.map((entry) => `${entry.action}:${entry.outcome}:${entry.statusCode}`)).to.deep.equal([
        'keys.revoke:failure:409',
        'keys.revoke:success:200',
        'keys.create:success:201',
      ]);
      const table = await junction(['audit', 'list', '--action', 'keys.*', '--outcome', 'failure']);
      expect(table.stdout)
        .to.match(/AT \(UTC\).*ACTOR.*ACTION.*TARGET.*OUTCOME/)
        .and.match(new RegExp(`keys\\.revoke\\s*│\\s*${id}\\s*│\\s*failure\\s*│\\s*409`));
      expect((await junction(['audit', 'list'], { key: stack.readerKey })).code).to.equal(3);
    });
  });
});
