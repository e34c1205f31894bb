import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkflowBundle } from '@temporalio/worker';
import { expect } from 'chai';
import { stringify as toYaml } from 'yaml';
import { z } from 'zod';
import { createActivities } from '../../activities';
import { loadConfig, type Config } from '../../config';
import { createDefaultRegistry, type ConnectorRegistry } from '../../connectors/registry';
import { createApp } from '../../server/api/app';
import { createApiKeysService } from '../../server/api/keys/api-keys.service';
import { startApiServer, type RunningApiServer } from '../../server/api/server';
import { bundleWorkflows, bundlerLogger, createJunctionWorker, type JunctionWorker } from '../../server/worker/worker';
import { defineProcess } from '../../workflows/process-definition';
import { BusinessKey } from '../../workflows/shared/search-attributes';
import { closedPort, runJunction, type CliResult } from '../support/cli-runner';
import { newOrderInput, uniqueId } from '../support/order-fixtures';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { getDevServer } from '../support/temporal-test-servers';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/** A purchase request of 2,400.00 EUR: one approver decides. */
function purchaseRequest() {
  const requestId = uniqueId('PR-CLI');
  const tag = requestId.toLowerCase();
  return {
    input: {
      requestId,
      requester: { email: `requester-${tag}@corp.example`, name: 'Grace Hopper' },
      costCentre: 'CC-4711',
      supplier: 'ACME Office Supplies',
      currency: 'EUR',
      lines: [{ sku: 'CHAIR-ERGO', quantity: 4, unitAmount: 60_000 }],
      approvers: [{ email: `approver-${tag}@corp.example`, managerEmail: `boss-${tag}@corp.example` }],
    },
    approver: `approver-${tag}@corp.example`,
  };
}

/** No catalog process takes a signal yet: the message routes' fixture process (test/e2e/fixtures) does. */
const messagesProcess = defineProcess({
  type: 'messagesFixture',
  description: 'test fixture',
  inputSchema: z.string().min(1),
  workflowId: (approver) => uniqueId(`cli-messages-${approver}`),
  businessKey: (approver) => approver,
  initialSearchAttributes: (approver) => [{ key: BusinessKey, value: approver }],
  queries: [{ name: 'state', description: 'notes and decision' }],
  signals: [{ name: 'note', description: 'adds a note', inputSchema: z.object({ text: z.string().min(1) }).strict() }],
  updates: [{ name: 'decide', description: 'decides', inputSchema: z.object({ approver: z.email() }).strict() }],
});

describe('junction CLI (e2e): the bin against a real API, dev server, worker, MariaDB and SMTP', function () {
  this.timeout(180_000);
  let db: TestDatabase;
  let smtp: SmtpSink;
  let registry: ConnectorRegistry;
  let worker: JunctionWorker;
  let api: RunningApiServer;
  let connection: Connection;
  let temporal: Client;
  let adminKey: string;
  let readerKey: string;
  let workDir: string;
  const openRuns = new Set<string>();
  const schedules = new Set<string>();

  const junction = (args: string[], options: { key?: string | null; stdin?: string; url?: string } = {}): Promise<CliResult> =>
    runJunction(args, {
      url: options.url ?? api.url,
      ...(options.key === null ? {} : { key: options.key ?? adminKey }),
      ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
    });

  /** The API's own answer, fetched directly, to compare the CLI's --json output with. */
  async function apiGet(path: string): Promise<{ status: number; text: string }> {
    const response = await fetch(api.url + path, { headers: { authorization: `Bearer ${adminKey}` } });
    return { status: response.status, text: await response.text() };
  }

  async function writeTemp(name: string, content: string): Promise<string> {
    const path = join(workDir, name);
    await writeFile(path, content);
    return path;
  }

  /** Visibility trails a start by a moment. */
  async function eventually(read: () => Promise<CliResult>, done: (result: CliResult) => boolean): Promise<CliResult> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const result = await read();
      if (done(result) || Date.now() > deadline) return result;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  before(async () => {
    let bundle: WorkflowBundle;
    let temporalServer: { address: string; namespace: string };
    [db, smtp, bundle, temporalServer] = await Promise.all([createTestDatabase('cli_e2e'), startSmtpSink(), bundleWorkflows(), getDevServer()]);
    const config: Config = loadConfig(
      {
        TEMPORAL_ADDRESS: temporalServer.address,
        TEMPORAL_NAMESPACE: temporalServer.namespace,
        TEMPORAL_TASK_QUEUE: uniqueId('cli-e2e'),
        DATABASE_URL: db.url,
        SMTP_URL: smtp.url,
        LOG_LEVEL: 'error',
      },
      false,
    );
    registry = createDefaultRegistry({ config, models: db.models });
    worker = await createJunctionWorker(
      { address: temporalServer.address, namespace: temporalServer.namespace, taskQueue: config.temporal.taskQueue, shutdownGraceSeconds: 5, workflowBundle: bundle },
      createActivities({ connectors: registry }),
    );
    void worker.run();
    connection = await Connection.connect({ address: temporalServer.address });
    temporal = new Client({ connection, namespace: temporalServer.namespace });
    api = await startApiServer(createApp({ config, temporal, models: db.models, connectors: registry }), 0);
    const keys = createApiKeysService({ apiKeys: db.models.ApiKey });
    adminKey = (await keys.createKey({ name: 'ops', scopes: ['admin'] })).key;
    readerKey = (await keys.createKey({ name: 'dashboard', scopes: ['runs:read'] })).key;
    workDir = await mkdtemp(join(tmpdir(), 'junction-cli-'));
  });

  after(async () => {
    await Promise.all([...schedules].map((id) => temporal.schedule.getHandle(id).delete().catch(() => undefined)));
    await Promise.all([...openRuns].map((id) => temporal.workflow.getHandle(id).terminate('test cleanup').catch(() => undefined)));
    await api?.close();
    await worker?.shutdown();
    await connection?.close();
    await registry?.close();
    await smtp?.close();
    await db?.destroy();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  describe('runs', () => {
    it('start --wait follows an order to completion: the id on stdout, progress lines on stderr, exit code 0', async () => {
      const input = newOrderInput();
      const file = await writeTemp(`${input.orderId}.json`, JSON.stringify(input));
      const result = await junction(['runs', 'start', 'orderToCash', '--input', `@${file}`, '--wait', '--poll-interval', '200']);
      expect(result.code, result.stderr).to.equal(0);
      const workflowId = `order-${input.orderId}`;
      const [firstLine, ...details] = result.stdout.split('\n');
      expect(firstLine).to.equal(workflowId);
      expect(details.join('\n')).to.match(/Status\s+COMPLETED/).and.match(/Steps done\s+7: /);
      // Not a terminal: plain timestamped lines, one per change of the progress.
      expect(result.stderr).to.contain(`Started orderToCash ${workflowId}`);
      expect(result.stderr).to.match(new RegExp(`\\[\\d\\d:\\d\\d:\\d\\d\\] ${workflowId}  COMPLETED  7 steps done`));
      const view = JSON.parse((await apiGet(`/v1/runs/${workflowId}`)).text) as { status: string };
      expect(view.status).to.equal('COMPLETED');
      await smtp.waitFor((mail) => mail.subject === `Your order ${input.orderId} is confirmed`);
    });

    it('start --wait exits 1 for a run that fails, and shows the failure chain and compensations', async () => {
      const input = newOrderInput({ payment: { token: 'tok_declined' } });
      const result = await junction(['runs', 'start', 'orderToCash', '--input', JSON.stringify(input), '--wait', '--poll-interval', '200']);
      expect(result.code, result.stderr).to.equal(1);
      expect(result.stdout).to.match(/Status\s+FAILED/).and.contain('Failure:').and.contain('caused by: ');
      expect(result.stdout).to.match(/Compensations\s+cancelSalesOrder done, notifyCustomer done/);
    });

    it('start reads the input from stdin; --json prints exactly the API’s 202 body', async () => {
      const { input } = purchaseRequest();
      const result = await junction(['runs', 'start', 'purchaseApproval', '--input', '-', '--json'], { stdin: JSON.stringify(input) });
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stderr).to.equal('');
      const body = JSON.parse(result.stdout) as { workflowId: string; runId: string; links: { self: string } };
      openRuns.add(body.workflowId);
      expect(body).to.have.keys(['workflowId', 'runId', 'links']);
      expect(body.links.self).to.equal(`/v1/runs/${body.workflowId}`);
      const described = await temporal.workflow.getHandle(body.workflowId).describe();
      expect(described.runId).to.equal(body.runId);
    });

    it('list shows a table, --quiet only ids, --json the API’s page; --page-size follows pages and --page-token continues', async () => {
      const orders = [newOrderInput(), newOrderInput()];
      for (const input of orders) {
        // Both closed before listing, so the newest-first order cannot change between the calls below.
        const started = await junction(['runs', 'start', 'orderToCash', '--input', JSON.stringify(input), '--wait', '--quiet', '--poll-interval', '200']);
        expect(started.code, started.stderr).to.equal(0);
        expect(started.stdout).to.equal(`order-${input.orderId}\n`);
        expect(started.stderr).to.equal('');
      }
      const all = await eventually(
        () => junction(['runs', 'list', '--type', 'orderToCash', '--quiet', '--limit', '100']),
        (result) => orders.every((input) => result.stdout.includes(`order-${input.orderId}`)),
      );
      const ids = all.stdout.trim().split('\n');
      expect(ids.length).to.be.at.least(4);
      ids.forEach((id) => expect(id).to.match(/^order-/));

      const [latest] = orders.slice(-1);
      const table = await junction(['runs', 'list', '--type', 'orderToCash', '--business-key', latest!.orderId]);
      expect(table.code, table.stderr).to.equal(0);
      expect(table.stdout).to.match(/WORKFLOW ID.*TYPE.*STATUS.*BUSINESS KEY/);
      expect(table.stdout).to.match(new RegExp(`order-${latest!.orderId}\\s*│\\s*orderToCash\\s*│\\s*COMPLETED`));

      const json = await junction(['runs', 'list', '--type', 'orderToCash', '--status', 'COMPLETED', '--json']);
      expect(json.code).to.equal(0);
      const expected = await apiGet('/v1/runs?type=orderToCash&status=COMPLETED&pageSize=20');
      expect(JSON.parse(json.stdout)).to.deep.equal(JSON.parse(expected.text));

      const paged = JSON.parse((await junction(['runs', 'list', '--type', 'orderToCash', '--limit', '3', '--page-size', '2', '--json'])).stdout) as {
        items: { workflowId: string }[];
        nextPageToken: string | null;
      };
      expect(paged.items.map((run) => run.workflowId)).to.deep.equal(ids.slice(0, 3));
      expect(paged.nextPageToken).to.be.a('string');
      const next = await junction(['runs', 'list', '--type', 'orderToCash', '--limit', '1', '--page-token', paged.nextPageToken ?? '', '--quiet']);
      expect(next.code, next.stderr).to.equal(0);
      expect(next.stdout).to.equal(`${ids[3]}\n`);
      // Without --quiet, the token to continue with is named on stderr.
      const first = await junction(['runs', 'list', '--type', 'orderToCash', '--limit', '1']);
      expect(first.stdout).to.contain(ids[0]).and.not.contain(ids[1]);
      expect(first.stderr).to.match(/^More are listed after these: --page-token [\w-]+\n$/);
    });

    it('show prints the run; --json equals GET /v1/runs/:id', async () => {
      const input = newOrderInput();
      expect((await junction(['runs', 'start', 'orderToCash', '--input', JSON.stringify(input), '--wait', '--quiet'])).code).to.equal(0);
      const workflowId = `order-${input.orderId}`;
      const shown = await junction(['runs', 'show', workflowId]);
      expect(shown.code).to.equal(0);
      expect(shown.stdout).to.match(/Workflow ID\s+order-/).and.match(/Type\s+orderToCash/).and.match(/Steps done\s+7: upsertCustomer, checkStock/).and.contain('Result');
      expect(shown.stdout).to.contain(`BusinessKey=${input.orderId}`);
      const json = await junction(['runs', 'show', workflowId, '--json']);
      expect(JSON.parse(json.stdout)).to.deep.equal(JSON.parse((await apiGet(`/v1/runs/${workflowId}`)).text));
      expect((await junction(['runs', 'show', workflowId, '--quiet'])).stdout).to.equal('COMPLETED\n');
    });

    it('update: a refused approval exits 5 with the process’s reason; the right approver’s is answered and the run completes', async () => {
      const { input, approver } = purchaseRequest();
      const started = await junction(['runs', 'start', 'purchaseApproval', '--input', JSON.stringify(input)]);
      expect(started.code, started.stderr).to.equal(0);
      const workflowId = started.stdout.trim();
      openRuns.add(workflowId);

      const pending = await eventually(
        () => junction(['runs', 'query', workflowId, 'progress', '--json']),
        (result) => result.stdout.includes('"pending"'),
      );
      expect((JSON.parse(pending.stdout) as { result: { pending: { approver: string } } }).result.pending.approver).to.equal(approver);

      const refused = await junction(['runs', 'update', workflowId, 'approve', '--data', JSON.stringify({ approver: 'mallory@corp.example' })]);
      expect(refused.code).to.equal(5);
      expect(refused.stdout).to.equal('');
      expect(refused.stderr).to.match(/^junction: Update rejected: .*\(HTTP 422, requestId [\w-]+\)\n$/);

      const accepted = await junction(['runs', 'update', workflowId, 'approve', '--data', JSON.stringify({ approver }), '--json']);
      expect(accepted.code, accepted.stderr).to.equal(0);
      expect(JSON.parse(accepted.stdout)).to.deep.include({ workflowId, update: 'approve' });

      const watched = await junction(['runs', 'watch', workflowId, '--poll-interval', '200']);
      expect(watched.code, watched.stderr).to.equal(0);
      expect(watched.stdout).to.match(/Status\s+COMPLETED/);
      openRuns.delete(workflowId);
    });

    it('cancel asks a waiting run to stop (watch then exits 1), and a second cancel is refused with exit code 5', async () => {
      const { input } = purchaseRequest();
      const workflowId = (await junction(['runs', 'start', 'purchaseApproval', '--input', JSON.stringify(input), '--quiet'])).stdout.trim();
      openRuns.add(workflowId);
      const cancelled = await junction(['runs', 'cancel', workflowId]);
      expect(cancelled.code, cancelled.stderr).to.equal(0);
      expect(cancelled.stdout).to.equal(`Cancellation requested for ${workflowId}.\n`);
      const watched = await junction(['runs', 'watch', workflowId, '--poll-interval', '200', '--json']);
      expect(watched.code).to.equal(1);
      expect((JSON.parse(watched.stdout) as { status: string }).status).to.equal('CANCELLED');
      const again = await junction(['runs', 'cancel', workflowId]);
      expect(again.code).to.equal(5);
      expect(again.stderr).to.contain('HTTP 409');
      openRuns.delete(workflowId);
    });

    it('watch --timeout gives up with exit code 8 while the run goes on; signal to an undeclared name exits 4', async () => {
      const { input } = purchaseRequest();
      const workflowId = (await junction(['runs', 'start', 'purchaseApproval', '--input', JSON.stringify(input), '--quiet'])).stdout.trim();
      openRuns.add(workflowId);
      const watched = await junction(['runs', 'watch', workflowId, '--timeout', '1', '--poll-interval', '200']);
      expect(watched.code).to.equal(8);
      expect(watched.stderr).to.contain(`${workflowId} is still RUNNING after 1 s`);
      expect((await temporal.workflow.getHandle(workflowId).describe()).status.name).to.equal('RUNNING');

      const signal = await junction(['runs', 'signal', workflowId, 'hurry', '--data', '{}']);
      expect(signal.code).to.equal(4);
      expect(signal.stderr).to.contain('has no signal "hurry"');
    });
  });

  describe('signals', () => {
    let fixtureApi: RunningApiServer;
    let fixtureWorker: Worker;
    let fixtureWorkerConnection: NativeConnection;
    let fixtureRunning: Promise<void>;

    before(async () => {
      const temporalServer = await getDevServer();
      const taskQueue = uniqueId('cli-messages');
      fixtureWorkerConnection = await NativeConnection.connect({ address: temporalServer.address });
      fixtureWorker = await Worker.create({
        connection: fixtureWorkerConnection,
        namespace: temporalServer.namespace,
        taskQueue,
        workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('./fixtures/messages.workflow'), logger: bundlerLogger() }),
      });
      fixtureRunning = fixtureWorker.run();
      const config = loadConfig({ TEMPORAL_NAMESPACE: temporalServer.namespace, TEMPORAL_TASK_QUEUE: taskQueue });
      fixtureApi = await startApiServer(createApp({ config, temporal, models: db.models, catalog: [messagesProcess] }), 0);
    });

    after(async () => {
      await fixtureApi?.close();
      fixtureWorker?.shutdown();
      await fixtureRunning;
      await fixtureWorkerConnection?.close();
    });

    it('signal delivers --data (202) and the query shows its effect; data that fails the signal’s schema exits 2', async () => {
      const url = fixtureApi.url;
      const workflowId = (await junction(['runs', 'start', 'messagesFixture', '--input', '"alice@example.com"', '--quiet'], { url })).stdout.trim();
      openRuns.add(workflowId);
      const signalled = await junction(['runs', 'signal', workflowId, 'note', '--data', '{"text":"urgent"}'], { url });
      expect(signalled.code, signalled.stderr).to.equal(0);
      expect(signalled.stdout).to.equal(`Signal note delivered to ${workflowId}.\n`);
      const state = await junction(['runs', 'query', workflowId, 'state', '--quiet'], { url });
      expect(JSON.parse(state.stdout)).to.deep.equal({ notes: ['urgent'], decidedBy: null });

      const invalid = await junction(['runs', 'signal', workflowId, 'note', '--data', '{"text":""}'], { url });
      expect(invalid.code).to.equal(2);
      expect(invalid.stderr).to.contain('HTTP 400');
      const decided = await junction(['runs', 'update', workflowId, 'decide', '--data', '{"approver":"alice@example.com"}'], { url });
      expect(decided.code, decided.stderr).to.equal(0);
      expect(JSON.parse(decided.stdout)).to.deep.equal({ decidedBy: 'alice@example.com', notes: 1 });
      openRuns.delete(workflowId);
    });
  });

  describe('workflows, connectors, schedules', () => {
    it('workflows list: a table of the catalog; --json is byte for byte the API’s body', async () => {
      const table = await junction(['workflows', 'list']);
      expect(table.code).to.equal(0);
      expect(table.stdout).to.match(/TYPE.*DESCRIPTION.*SIGNALS.*UPDATES.*QUERIES/);
      expect(table.stdout).to.contain('orderToCash').and.contain('purchaseApproval').and.match(/approve, reject/);
      const json = await junction(['workflows', 'list', '--json'], { key: readerKey });
      expect(json.stdout).to.equal(`${(await apiGet('/v1/workflows')).text}\n`);
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
      const spec = { name, kind: 'email', vendor: 'smtp', settings: { url: `smtp://127.0.0.1:${await closedPort()}`, from: 'Ops <ops@corp.example>', connectionTimeoutMs: 2000 } };
      const created = await junction(['connectors', 'create', '--file', await writeTemp(`${name}.yaml`, toYaml(spec)), '--quiet']);
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
      const spec = { id, description: 'CLI test', workflow: 'orderToCash', input: newOrderInput(), every: '1h', overlap: 'allow_all' };
      const created = await junction(['schedules', 'create', '--file', await writeTemp(`${id}.yaml`, toYaml(spec))]);
      expect(created.code, created.stderr).to.equal(0);
      expect(created.stdout).to.match(/Timing\s+every 1h \(UTC\)/).and.match(/State\s+active/);

      const listed = await eventually(() => junction(['schedules', 'list', '--quiet']), (result) => result.stdout.split('\n').includes(id));
      expect(listed.stdout.split('\n')).to.include(id);
      const table = await junction(['schedules', 'list']);
      expect(table.stdout).to.match(/ID.*WORKFLOW.*STATE/).and.contain(id);

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
      const created = await junction(['keys', 'create', '--name', name, '--scopes', 'runs:read,runs:write', '--expires-in-days', '30', '--json']);
      expect(created.code, created.stderr).to.equal(0);
      const body = JSON.parse(created.stdout) as { id: number; key: string; prefix: string; scopes: string[]; expiresAt: string };
      expect(body.scopes).to.deep.equal(['runs:read', 'runs:write']);
      expect(Date.parse(body.expiresAt) - Date.now()).to.be.within(29.9 * 86_400_000, 30 * 86_400_000);
      const id = String(body.id);
      expect((await junction(['workflows', 'list', '--quiet'], { key: body.key })).code).to.equal(0);

      const quiet = await junction(['keys', 'create', '--name', `${name}-quiet`, '--scopes', 'runs:read', '--quiet']);
      expect(quiet.stdout).to.match(/^jk_[A-Za-z0-9]+_[A-Za-z0-9]+\n$/);
      expect(quiet.stderr).to.equal('');
      const human = await junction(['keys', 'create', '--name', `${name}-human`, '--scopes', 'admin']);
      expect(human.stdout).to.match(/Key\s+jk_/).and.match(/Expires\s+never/);
      expect(human.stderr).to.equal('Store the key now: it is not shown again.\n');

      const listed = await junction(['keys', 'list']);
      expect(listed.stdout).to.match(/ID.*NAME.*PREFIX.*SCOPES.*STATUS/).and.match(new RegExp(`${name}\\s*│\\s*${body.prefix}\\s*│\\s*runs:read, runs:write\\s*│\\s*active`));
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
      expect((await junction(['keys', 'create', '--name', 'x', '--scopes', 'runs:read', '--expires-in-days', '3', '--expires-at', '2031-01-01T00:00:00Z'])).code).to.equal(2);

      // Audit rows are written as each response finishes: the last one may trail the answer by a moment.
      const trail = await eventually(() => junction(['audit', 'list', '--target', id, '--json']), (result) => result.stdout.includes('"statusCode":409'));
      expect(trail.code, trail.stderr).to.equal(0);
      const entries = (JSON.parse(trail.stdout) as { items: { action: string; outcome: string; statusCode: number }[] }).items;
      expect(entries.map((entry) => `${entry.action}:${entry.outcome}:${entry.statusCode}`)).to.deep.equal([
        'keys.revoke:failure:409',
        'keys.revoke:success:200',
        'keys.create:success:201',
      ]);
      const table = await junction(['audit', 'list', '--action', 'keys.*', '--outcome', 'failure']);
      expect(table.stdout).to.match(/AT \(UTC\).*ACTOR.*ACTION.*TARGET.*OUTCOME/).and.match(new RegExp(`keys\\.revoke\\s*│\\s*${id}\\s*│\\s*failure\\s*│\\s*409`));
      expect((await junction(['audit', 'list'], { key: readerKey })).code).to.equal(3);
    });
  });

  describe('exit codes and errors', () => {
    it('401 for a wrong key and 403 for a missing scope exit 3, one readable line with the requestId, the key never printed', async () => {
      const wrongKey = `jk_live_${'x'.repeat(40)}`;
      const unauthorized = await junction(['runs', 'list'], { key: wrongKey });
      expect(unauthorized.code).to.equal(3);
      expect(unauthorized.stdout).to.equal('');
      expect(unauthorized.stderr).to.match(/^junction: Unauthorized: .*\(HTTP 401, requestId [\w-]+\)\n$/);
      expect(unauthorized.stderr).not.to.contain(wrongKey);

      const noKey = await junction(['runs', 'list'], { key: null });
      expect(noKey.code).to.equal(3);

      const forbidden = await junction(['connectors', 'list'], { key: readerKey });
      expect(forbidden.code).to.equal(3);
      expect(forbidden.stderr).to.contain('HTTP 403');
      for (const output of [forbidden.stdout, forbidden.stderr]) expect(output).not.to.contain(readerKey);
    });

    it('404 exits 4; with --json the problem body is on stdout', async () => {
      const missing = await junction(['runs', 'show', 'order-does-not-exist', '--json']);
      expect(missing.code).to.equal(4);
      const problem = JSON.parse(missing.stdout) as { status: number; requestId: string };
      expect(problem.status).to.equal(404);
      expect(missing.stderr).to.contain(`requestId ${problem.requestId}`);
    });

    it('bad JSON, a missing file, an unknown option or a bad flag value exit 2 and send nothing', async () => {
      const auditedBefore = await db.models.AuditEntry.count();
      const badJson = await junction(['runs', 'start', 'orderToCash', '--input', '{"orderId": ']);
      expect(badJson.code).to.equal(2);
      expect(badJson.stderr).to.match(/^junction: --input: the argument is not valid JSON/);
      const missingFile = await junction(['runs', 'start', 'orderToCash', '--input', `@${join(workDir, 'nope.json')}`]);
      expect(missingFile.code).to.equal(2);
      expect(missingFile.stderr).to.contain('cannot read').and.contain('ENOENT');
      expect((await junction(['runs', 'list', '--colour'])).code).to.equal(2);
      expect((await junction(['runs', 'list', '--limit', 'lots'])).code).to.equal(2);
      expect((await junction(['runs', 'list'], { url: 'ftp://127.0.0.1' })).code).to.equal(2);
      // Every call that reaches the API's /v1 mutations is audited, refused ones included: none did.
      expect(await db.models.AuditEntry.count()).to.equal(auditedBefore);
      // The API's 400 for an input that does not match the schema is a usage error too, naming the field.
      const invalid = await junction(['runs', 'start', 'orderToCash', '--input', JSON.stringify({ ...newOrderInput(), currency: 'euro' })]);
      expect(invalid.code).to.equal(2);
      expect(invalid.stderr).to.contain('input.currency').and.contain('HTTP 400');
    });

    it('429 exits 7 and names Retry-After', async () => {
      const config = loadConfig({ TEMPORAL_NAMESPACE: (await getDevServer()).namespace, API_RATE_LIMIT: '2' }, false);
      const limited = await startApiServer(createApp({ config, temporal, models: db.models }), 0);
      try {
        for (let call = 0; call < 2; call++) expect((await junction(['workflows', 'list', '--quiet'], { url: limited.url })).code).to.equal(0);
        const refused = await junction(['workflows', 'list'], { url: limited.url });
        expect(refused.code).to.equal(7);
        expect(refused.stderr).to.match(/\(HTTP 429, retry after \d+ s, requestId [\w-]+\)\n$/);
      } finally {
        await limited.close();
      }
    });

    it('a 503 (Temporal unreachable behind the API) exits 6', async () => {
      const deadTemporal = Connection.lazy({ address: `127.0.0.1:${await closedPort()}` });
      const config = loadConfig({ TEMPORAL_NAMESPACE: 'default' }, false);
      const degraded = await startApiServer(createApp({ config, temporal: new Client({ connection: deadTemporal }), models: db.models, timeouts: { rpcMs: 1_000 } }), 0);
      try {
        const result = await junction(['runs', 'show', 'order-anything'], { url: degraded.url });
        expect(result.code, result.stderr).to.equal(6);
        expect(result.stderr).to.contain('HTTP 503');
      } finally {
        await degraded.close();
        await deadTemporal.close();
      }
    });

    it('an API that cannot be reached exits 6', async () => {
      const result = await junction(['workflows', 'list'], { url: `http://127.0.0.1:${await closedPort()}` });
      expect(result.code).to.equal(6);
      expect(result.stderr).to.match(/could not be reached \(connection refused\)/);
    });

    it('--help and --version exit 0', async () => {
      const help = await junction(['runs', 'start', '--help'], { key: null });
      expect(help.code).to.equal(0);
      expect(help.stdout).to.contain('--wait').and.contain('--input <json>');
      expect((await junction(['--version'], { key: null })).stdout).to.match(/^\d+\.\d+\.\d+\n$/);
    });
  });
});
