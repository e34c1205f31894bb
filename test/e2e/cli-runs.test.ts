import { expect } from 'chai';
import { loadConfig } from '../../config';
import { createApp } from '../../server/api/app';
import { createApiKeysService } from '../../server/auth/api-keys.service';
import { startApiServer, type RunningApiServer } from '../../server/api/server';
import { startCliStack, type CliStack, type JunctionCallOptions } from '../support/cli-stack';
import { eventually } from '../support/eventually';
import { newOrderInput, uniqueId } from '../support/order-fixtures';
import { purchaseRequestInput } from '../support/purchase-fixtures';
import { getDevServer } from '../support/temporal-test-servers';
import { terminateRuns } from '../support/temporal-cleanup';
import { messagesProcess, startMessagesWorker, type MessagesWorker } from './fixtures/messages.fixture';

/** A purchase request of 2,400.00 EUR: one approver decides, alan@example.com under the shipped approval policy. */
function purchaseRequest() {
  const requestId = uniqueId('PR-CLI');
  const requester = { email: `requester-${requestId.toLowerCase()}@corp.example`, name: 'Grace Hopper' };
  return {
    input: purchaseRequestInput('medium', { requestId, requester }),
    approver: 'alan@example.com',
  };
}

const messagesProcessDef = messagesProcess('cli-messages');

describe('junction CLI (e2e): runs against a real API, dev server, worker, MariaDB and SMTP', function () {
  this.timeout(180_000);
  let stack: CliStack;
  const openRuns = new Set<string>();
  const junction = (args: string[], options?: JunctionCallOptions) => stack.junction(args, options);

  before(async () => {
    stack = await startCliStack('cli_runs', { worker: true });
  });

  after(async () => {
    await terminateRuns(stack?.temporal, openRuns);
    await stack?.close();
  });

  describe('runs', () => {
    it('start --wait follows an order to completion: the id on stdout, progress lines on stderr, exit code 0', async () => {
      const input = newOrderInput();
      const file = await stack.writeTemp(`${input.orderId}.json`, JSON.stringify(input));
      const result = await junction([
        'runs',
        'start',
        'orderToCash',
        '--input',
        `@${file}`,
        '--wait',
        '--poll-interval',
        '200',
      ]);
      expect(result.code, result.stderr).to.equal(0);
      const workflowId = `order-${input.orderId}`;
      const [firstLine, ...details] = result.stdout.split('\n');
      expect(firstLine).to.equal(workflowId);
      expect(details.join('\n'))
        .to.match(/Status\s+COMPLETED/)
        .and.match(/Steps done\s+7: /);
      // Not a terminal: plain timestamped lines, one per change of the progress.
      expect(result.stderr).to.contain(`Started orderToCash ${workflowId}`);
      expect(result.stderr).to.match(new RegExp(`\\[\\d\\d:\\d\\d:\\d\\d\\] ${workflowId}  COMPLETED  7 steps done`));
      const view = JSON.parse((await stack.apiGet(`/v1/runs/${workflowId}`)).text) as { status: string };
      expect(view.status).to.equal('COMPLETED');
      await stack.smtp.waitFor((mail) => mail.subject === `Your order ${input.orderId} is confirmed`);
    });

    it('start --wait exits 1 for a run that fails, and shows the failure chain and compensations', async () => {
      const input = newOrderInput({ payment: { token: 'tok_declined' } });
      const result = await junction([
        'runs',
        'start',
        'orderToCash',
        '--input',
        JSON.stringify(input),
        '--wait',
        '--poll-interval',
        '200',
      ]);
      expect(result.code, result.stderr).to.equal(1);
      expect(result.stdout)
        .to.match(/Status\s+FAILED/)
        .and.contain('Failure:')
        .and.contain('caused by: ');
      expect(result.stdout).to.match(/Compensations\s+cancelSalesOrder done, notifyCustomer done/);
    });

    it('start reads the input from stdin; --json prints exactly the API’s 202 body', async () => {
      const { input } = purchaseRequest();
      const result = await junction(['runs', 'start', 'purchaseApproval', '--input', '-', '--json'], {
        stdin: JSON.stringify(input),
      });
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stderr).to.equal('');
      const body = JSON.parse(result.stdout) as { workflowId: string; runId: string; links: { self: string } };
      openRuns.add(body.workflowId);
      expect(body).to.have.keys(['workflowId', 'runId', 'links']);
      expect(body.links.self).to.equal(`/v1/runs/${body.workflowId}`);
      const described = await stack.temporal.workflow.getHandle(body.workflowId).describe();
      expect(described.runId).to.equal(body.runId);
    });

    it('list shows a table, --quiet only ids, --json the API’s page; --page-size follows pages and --page-token continues', async () => {
      const orders = [newOrderInput(), newOrderInput()];
      for (const input of orders) {
        // Both closed before listing, so the newest-first order cannot change between the calls below.
        const started = await junction([
          'runs',
          'start',
          'orderToCash',
          '--input',
          JSON.stringify(input),
          '--wait',
          '--quiet',
          '--poll-interval',
          '200',
        ]);
        expect(started.code, started.stderr).to.equal(0);
        expect(started.stdout).to.equal(`order-${input.orderId}\n`);
        expect(started.stderr).to.equal('');
      }
      const all = await eventually(
        'every order listed',
        () => junction(['runs', 'list', '--type', 'orderToCash', '--quiet', '--limit', '100']),
        (result) => orders.every((input) => result.stdout.includes(`order-${input.orderId}`)),
        { intervalMs: 500 },
      );
      const ids = all.stdout.trim().split('\n');
      expect(ids.length).to.be.at.least(4);
      // Other suites on the same dev server start orderToCash runs too, some through schedules (schedule-…).
      ids.forEach((id) => expect(id).to.match(/^(order|schedule)-/));

      const [latest] = orders.slice(-1);
      const table = await junction(['runs', 'list', '--type', 'orderToCash', '--business-key', latest!.orderId]);
      expect(table.code, table.stderr).to.equal(0);
      expect(table.stdout).to.match(/WORKFLOW ID.*TYPE.*STATUS.*BUSINESS KEY/);
      expect(table.stdout).to.match(new RegExp(`order-${latest!.orderId}\\s*│\\s*orderToCash\\s*│\\s*COMPLETED`));

      const json = await junction(['runs', 'list', '--type', 'orderToCash', '--status', 'COMPLETED', '--json']);
      expect(json.code).to.equal(0);
      const expected = await stack.apiGet('/v1/runs?type=orderToCash&status=COMPLETED&pageSize=20');
      expect(JSON.parse(json.stdout)).to.deep.equal(JSON.parse(expected.text));

      const paged = JSON.parse(
        (await junction(['runs', 'list', '--type', 'orderToCash', '--limit', '3', '--page-size', '2', '--json']))
          .stdout,
      ) as {
        items: { workflowId: string }[];
        nextPageToken: string | null;
      };
      expect(paged.items.map((run) => run.workflowId)).to.deep.equal(ids.slice(0, 3));
      expect(paged.nextPageToken).to.be.a('string');
      const next = await junction([
        'runs',
        'list',
        '--type',
        'orderToCash',
        '--limit',
        '1',
        '--page-token',
        paged.nextPageToken ?? '',
        '--quiet',
      ]);
      expect(next.code, next.stderr).to.equal(0);
      expect(next.stdout).to.equal(`${ids[3]}\n`);
      // Without --quiet, the token to continue with is named on stderr.
      const first = await junction(['runs', 'list', '--type', 'orderToCash', '--limit', '1']);
      expect(first.stdout).to.contain(ids[0]).and.not.contain(ids[1]);
      expect(first.stderr).to.match(/^More are listed after these: --page-token [\w-]+\n$/);
    });

    it('show prints the run; --json equals GET /v1/runs/:id', async () => {
      const input = newOrderInput();
      expect(
        (await junction(['runs', 'start', 'orderToCash', '--input', JSON.stringify(input), '--wait', '--quiet'])).code,
      ).to.equal(0);
      const workflowId = `order-${input.orderId}`;
      const shown = await junction(['runs', 'show', workflowId]);
      expect(shown.code).to.equal(0);
      expect(shown.stdout)
        .to.match(/Workflow ID\s+order-/)
        .and.match(/Type\s+orderToCash/)
        .and.match(/Steps done\s+7: upsertCustomer, checkStock/)
        .and.contain('Result');
      expect(shown.stdout).to.contain(`BusinessKey=${input.orderId}`);
      const json = await junction(['runs', 'show', workflowId, '--json']);
      expect(JSON.parse(json.stdout)).to.deep.equal(JSON.parse((await stack.apiGet(`/v1/runs/${workflowId}`)).text));
      expect((await junction(['runs', 'show', workflowId, '--quiet'])).stdout).to.equal('COMPLETED\n');
    });

    it('update: a refused approval exits 5 with the process’s reason; the right approver’s is answered and the run completes', async () => {
      const { input, approver } = purchaseRequest();
      const started = await junction(['runs', 'start', 'purchaseApproval', '--input', JSON.stringify(input)]);
      expect(started.code, started.stderr).to.equal(0);
      const workflowId = started.stdout.trim();
      openRuns.add(workflowId);

      const pending = await eventually(
        'an approval pending',
        () => junction(['runs', 'query', workflowId, 'progress', '--json']),
        (result) => result.stdout.includes('"pending"'),
        { intervalMs: 500 },
      );
      expect(
        (JSON.parse(pending.stdout) as { result: { pending: { approver: string } } }).result.pending.approver,
      ).to.equal(approver);

      // Decisions are bound to the key's person (actsAs): mallory's own key is refused by the process, alan's is answered.
      const keys = createApiKeysService({ apiKeys: stack.db.models.ApiKey });
      const personalKey = async (person: string) =>
        (await keys.createKey({ name: `approvals: ${person}`, scopes: ['runs:write'], actsAs: person })).key;
      const refused = await junction(['runs', 'update', workflowId, 'approve', '--data', '{}'], {
        key: await personalKey('mallory@corp.example'),
      });
      expect(refused.code).to.equal(5);
      expect(refused.stdout).to.equal('');
      expect(refused.stderr).to.match(/^junction: Update rejected: .*\(HTTP 422, requestId [\w-]+\)\n$/);

      const accepted = await junction(
        ['runs', 'update', workflowId, 'approve', '--data', JSON.stringify({ approver }), '--json'],
        { key: await personalKey(approver) },
      );
      expect(accepted.code, accepted.stderr).to.equal(0);
      expect(JSON.parse(accepted.stdout)).to.deep.include({ workflowId, update: 'approve' });

      const watched = await junction(['runs', 'watch', workflowId, '--poll-interval', '200']);
      expect(watched.code, watched.stderr).to.equal(0);
      expect(watched.stdout).to.match(/Status\s+COMPLETED/);
      openRuns.delete(workflowId);
    });

    it('cancel asks a waiting run to stop (watch then exits 1), and a second cancel is refused with exit code 5', async () => {
      const { input } = purchaseRequest();
      const workflowId = (
        await junction(['runs', 'start', 'purchaseApproval', '--input', JSON.stringify(input), '--quiet'])
      ).stdout.trim();
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

    it('watch --timeout gives up with exit code 8 and Ctrl-C with 130 while the run goes on; signal to an undeclared name exits 4', async () => {
      const { input } = purchaseRequest();
      const workflowId = (
        await junction(['runs', 'start', 'purchaseApproval', '--input', JSON.stringify(input), '--quiet'])
      ).stdout.trim();
      openRuns.add(workflowId);
      const watched = await junction(['runs', 'watch', workflowId, '--timeout', '1', '--poll-interval', '200']);
      expect(watched.code).to.equal(8);
      expect(watched.stderr).to.contain(`${workflowId} is still RUNNING after 1 s`);
      expect((await stack.temporal.workflow.getHandle(workflowId).describe()).status.name).to.equal('RUNNING');
      const interrupted = await junction(['runs', 'watch', workflowId, '--poll-interval', '200'], {
        interruptOnStderr: /WAITING_FOR_APPROVAL/,
      });
      expect(interrupted.code).to.equal(130);
      expect(interrupted.stderr).to.contain(`Stopped watching ${workflowId}; the run goes on.`);
      expect((await stack.temporal.workflow.getHandle(workflowId).describe()).status.name).to.equal('RUNNING');

      const signal = await junction(['runs', 'signal', workflowId, 'hurry', '--data', '{}']);
      expect(signal.code).to.equal(4);
      expect(signal.stderr).to.contain('has no signal "hurry"');
    });
  });

  describe('signals', () => {
    let fixtureApi: RunningApiServer;
    let fixtureWorker: MessagesWorker;

    before(async () => {
      const temporalServer = await getDevServer();
      const taskQueue = uniqueId('cli-messages');
      fixtureWorker = await startMessagesWorker(temporalServer, taskQueue);
      const config = loadConfig({ TEMPORAL_NAMESPACE: temporalServer.namespace, TEMPORAL_TASK_QUEUE: taskQueue });
      fixtureApi = await startApiServer(
        createApp({ config, temporal: stack.temporal, models: stack.db.models, catalog: [messagesProcessDef] }),
        0,
      );
    });

    after(async () => {
      await fixtureApi?.close();
      await fixtureWorker?.stop();
    });

    it('signal delivers --data (202) and the query shows its effect; data that fails the signal’s schema exits 2', async () => {
      const url = fixtureApi.url;
      const workflowId = (
        await junction(['runs', 'start', 'messagesFixture', '--input', '"alice@example.com"', '--quiet'], { url })
      ).stdout.trim();
      openRuns.add(workflowId);
      const signalled = await junction(['runs', 'signal', workflowId, 'note', '--data', '{"text":"urgent"}'], { url });
      expect(signalled.code, signalled.stderr).to.equal(0);
      expect(signalled.stdout).to.equal(`Signal note delivered to ${workflowId}.\n`);
      const state = await junction(['runs', 'query', workflowId, 'state', '--quiet'], { url });
      expect(JSON.parse(state.stdout)).to.deep.equal({ notes: ['urgent'], decidedBy: null });

      const invalid = await junction(['runs', 'signal', workflowId, 'note', '--data', '{"text":""}'], { url });
      expect(invalid.code).to.equal(2);
      expect(invalid.stderr).to.contain('HTTP 400');
      const decided = await junction(
        ['runs', 'update', workflowId, 'decide', '--data', '{"approver":"alice@example.com"}'],
        { url },
      );
      expect(decided.code, decided.stderr).to.equal(0);
      expect(JSON.parse(decided.stdout)).to.deep.equal({ decidedBy: 'alice@example.com', notes: 1 });
      openRuns.delete(workflowId);
    });
  });
});
