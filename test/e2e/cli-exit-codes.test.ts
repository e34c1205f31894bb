import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { expect } from 'chai';
import { loadConfig } from '../../config';
import { createApp } from '../../server/api/app';
import { startApiServer } from '../../server/api/server';
import { closedPort } from '../support/cli-runner';
import { startCliStack, type CliStack, type JunctionCallOptions } from '../support/cli-stack';
import { newOrderInput, uniqueId } from '../support/order-fixtures';
import { getDevServer } from '../support/temporal-test-servers';

describe('junction CLI (e2e): exit codes and error lines', function () {
  this.timeout(120_000);
  let stack: CliStack;
  const junction = (args: string[], options?: JunctionCallOptions) => stack.junction(args, options);

  before(async () => {
    // No worker: nothing here needs a run to progress.
    stack = await startCliStack('cli_errors', { worker: false });
  });

  after(async () => {
    await stack?.close();
  });

  it('401 for a wrong key and 403 for a missing scope exit 3, one readable line with the requestId, the key never printed', async () => {
    const wrongKey = `jk_live_${'x'.repeat(40)}`;
    const unauthorized = await junction(['runs', 'list'], { key: wrongKey });
    expect(unauthorized.code).to.equal(3);
    expect(unauthorized.stdout).to.equal('');
    expect(unauthorized.stderr).to.match(/^junction: Unauthorized: .*\(HTTP 401, requestId [\w-]+\)\n$/);
    expect(unauthorized.stderr).not.to.contain(wrongKey);

    const noKey = await junction(['runs', 'list'], { key: null });
    expect(noKey.code).to.equal(3);

    const forbidden = await junction(['connectors', 'list'], { key: stack.readerKey });
    expect(forbidden.code).to.equal(3);
    expect(forbidden.stderr).to.contain('HTTP 403');
    for (const output of [forbidden.stdout, forbidden.stderr]) expect(output).not.to.contain(stack.readerKey);
  });

  it('404 exits 4; with --json the problem body is on stdout', async () => {
    const missing = await junction(['runs', 'show', 'order-does-not-exist', '--json']);
    expect(missing.code).to.equal(4);
    const problem = JSON.parse(missing.stdout) as { status: number; requestId: string };
    expect(problem.status).to.equal(404);
    expect(missing.stderr).to.contain(`requestId ${problem.requestId}`);
  });

  it('bad JSON, a missing file, an unknown option or a bad flag value exit 2 and send nothing', async () => {
    const auditedBefore = await stack.db.models.AuditEntry.count();
    const badJson = await junction(['runs', 'start', 'orderToCash', '--input', '{"orderId": ']);
    expect(badJson.code).to.equal(2);
    expect(badJson.stderr).to.match(/^junction: --input: the argument is not valid JSON/);
    const missingFile = await junction([
      'runs',
      'start',
      'orderToCash',
      '--input',
      `@${join(tmpdir(), uniqueId('junction-cli-missing'), 'input.json')}`,
    ]);
    expect(missingFile.code).to.equal(2);
    expect(missingFile.stderr).to.contain('cannot read').and.contain('ENOENT');
    expect((await junction(['runs', 'list', '--colour'])).code).to.equal(2);
    expect((await junction(['runs', 'list', '--limit', 'lots'])).code).to.equal(2);
    expect((await junction(['runs', 'list'], { url: 'ftp://127.0.0.1' })).code).to.equal(2);
    // Every call that reaches the API's /v1 mutations is audited, refused ones included: none did.
    expect(await stack.db.models.AuditEntry.count()).to.equal(auditedBefore);
    // The API's 400 for an input that does not match the schema is a usage error too, naming the field.
    const invalid = await junction([
      'runs',
      'start',
      'orderToCash',
      '--input',
      JSON.stringify({ ...newOrderInput(), currency: 'euro' }),
    ]);
    expect(invalid.code).to.equal(2);
    expect(invalid.stderr).to.contain('input.currency').and.contain('HTTP 400');
  });

  it('429 exits 7 and names Retry-After', async () => {
    const config = loadConfig({ TEMPORAL_NAMESPACE: (await getDevServer()).namespace, API_RATE_LIMIT: '2' }, false);
    const limited = await startApiServer(createApp({ config, temporal: stack.temporal, models: stack.db.models }), 0);
    try {
      for (let call = 0; call < 2; call++)
        expect((await junction(['workflows', 'list', '--quiet'], { url: limited.url })).code).to.equal(0);
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
    const degraded = await startApiServer(
      createApp({
        config,
        temporal: new Client({ connection: deadTemporal }),
        models: stack.db.models,
        timeouts: { rpcMs: 1_000 },
      }),
      0,
    );
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
