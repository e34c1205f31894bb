import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { createDefaultRegistry } from '../../connectors/registry';
import { loadConfig } from '../../config';
import { registryDeps } from '../../server/connectors/registry-deps';
import { FlowsFileError, publishFlowsFromConfig } from '../../server/flows/store/publish-flows-from-config';
import { createProcesses, type Processes } from '../../server/processes/processes';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const FIXTURES = join(__dirname, '../fixtures/flows');

describe('config/flows at start-up (real MariaDB): publishFlowsFromConfig', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let processes: Processes;
  let dir: string;

  before(async () => {
    db = await createTestDatabase('flows_config');
    const registry = createDefaultRegistry(registryDeps(loadConfig({}, false), db.models));
    processes = createProcesses({ models: db.models, registry });
    dir = await mkdtemp(join(tmpdir(), 'junction-flows-'));
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
    await db?.destroy();
  });

  it('publishes each flow file once, then changes nothing; other files are ignored', async () => {
    await copyFile(join(FIXTURES, 'greeting.yaml'), join(dir, 'greeting.yaml'));
    await writeFile(join(dir, 'README.md'), '# not a flow\n');
    expect(await publishFlowsFromConfig(processes.flows, dir)).to.deep.equal({
      published: ['greeting@1.0.0'],
      unchanged: [],
    });
    expect(await publishFlowsFromConfig(processes.flows, dir)).to.deep.equal({
      published: [],
      unchanged: ['greeting@1.0.0'],
    });
    const [stored] = await processes.flows.listVersions('greeting');
    expect(stored!.publishedBy).to.match(/^config:.*greeting\.yaml$/);
    expect((await processes.resolver.list()).map((process) => process.type)).to.include('flow:greeting');
  });

  it('fails naming the file when a published version has other content, or the flow is invalid', async () => {
    const changed = (await readFile(join(FIXTURES, 'greeting.yaml'), 'utf8')).replace('"Hello, "', '"Hi, "');
    await writeFile(join(dir, 'greeting.yaml'), changed);
    const conflict = await publishFlowsFromConfig(processes.flows, dir).catch((error: unknown) => error);
    expect(conflict).to.be.instanceOf(FlowsFileError);
    expect((conflict as FlowsFileError).message).to.match(
      /greeting\.yaml[\s\S]*version 1\.0\.0 is published with other content/,
    );
    await rm(join(dir, 'greeting.yaml'));
    await copyFile(join(FIXTURES, 'invalid-order.yaml'), join(dir, 'invalid-order.yaml'));
    const invalid = await publishFlowsFromConfig(processes.flows, dir).catch((error: unknown) => error);
    expect(invalid).to.be.instanceOf(FlowsFileError);
    expect((invalid as FlowsFileError).problems).to.have.length(2);
    expect((invalid as FlowsFileError).problems[0]).to.match(
      /^\/do\/0\/createSalesOrder\/with\/connector: unknown-connector:/,
    );
  });

  it('publishes the shipped config/flows against the default connector instances', async () => {
    const report = await publishFlowsFromConfig(processes.flows);
    expect(report.published).to.include.members(['deal-won@1.0.0', 'order-to-cash@1.0.0']);
  });
});
