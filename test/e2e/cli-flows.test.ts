import { join } from 'node:path';
import { expect } from 'chai';
import { EXIT } from '../../cli/exit-codes';
import { runJunction } from '../support/cli-runner';
import { FLOW_FIXTURES, startFlowsApiStack, type FlowsApiStack } from './flows-api.support';

describe('junction CLI (e2e): flows validate, publish, list, show', function () {
  this.timeout(120_000);
  let stack: FlowsApiStack;
  let writer: string;
  let reader: string;
  const greeting = join(FLOW_FIXTURES, 'greeting.yaml');
  const invalid = join(FLOW_FIXTURES, 'invalid-order.yaml');
  const junction = (args: string[], key: string) => runJunction(args, { url: stack.server.url, key });

  before(async () => {
    stack = await startFlowsApiStack('cli_flows');
    writer = await stack.createKey('ci', ['flows:write']);
    reader = await stack.createKey('viewer', ['flows:read']);
  });

  after(async () => {
    await stack?.close();
  });

  it('validate: exit 0 for a valid flow; exit 1 with one line per issue (file, path, rule) for an invalid one', async () => {
    const ok = await junction(['flows', 'validate', greeting], reader);
    expect(ok.code, ok.stderr).to.equal(EXIT.OK);
    expect(ok.stdout).to.include('greeting@1.0.0 is valid; not published (dry run).');
    const bad = await junction(['flows', 'validate', invalid], reader);
    expect(bad.code, bad.stderr).to.equal(EXIT.NEGATIVE_OUTCOME);
    const lines = bad.stderr.trim().split('\n');
    expect(lines).to.have.length(2);
    expect(lines[0]).to.include(`${invalid}:/do/0/createSalesOrder/with/connector: unknown-connector:`);
    expect(lines[1]).to.match(/\/do\/1\/summarize\/set\/total: expression: .*position \d+/);
  });

  it('publish: publishes, is idempotent, refuses an invalid flow (exit 2) and a key without flows:write (exit 3)', async () => {
    const first = await junction(['flows', 'publish', greeting], writer);
    expect(first.code, first.stderr).to.equal(EXIT.OK);
    expect(first.stdout).to.include('Published greeting@1.0.0 (flow:greeting).');
    const again = await junction(['flows', 'publish', greeting], writer);
    expect(again.code).to.equal(EXIT.OK);
    expect(again.stdout).to.include('already published with this content');
    expect((await junction(['flows', 'publish', invalid], writer)).code).to.equal(EXIT.USAGE);
    expect((await junction(['flows', 'publish', greeting], reader)).code).to.equal(EXIT.AUTH);
  });

  it('list and show: the flow, its versions, one version in detail and its source', async () => {
    const list = await junction(['flows', 'list'], reader);
    expect(list.code, list.stderr).to.equal(EXIT.OK);
    expect(list.stdout).to.match(/greeting\W+1\.0\.0\W+published\W+1\.0\.0\W+1\W+Greeting/);
    const versions = await junction(['flows', 'show', 'greeting'], reader);
    expect(versions.stdout).to.match(/1\.0\.0\W+published/);
    const detail = await junction(['flows', 'show', 'greeting', '--flow-version', '1.0.0'], reader);
    expect(detail.code, detail.stderr).to.equal(EXIT.OK);
    expect(detail.stdout).to.include('flow:greeting').and.to.include('/do/0/greet');
    const source = await junction(['flows', 'show', 'greeting', '--flow-version', '1.0.0', '--source'], reader);
    expect(source.stdout).to.include('businessKey: ${ .customer.id }');
    const missing = await junction(['flows', 'show', 'greeting', '--flow-version', '9.9.9'], reader);
    expect(missing.code).to.equal(EXIT.NOT_FOUND);
  });
});
