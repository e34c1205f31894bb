import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'chai';
import { loadConfig, type Config } from '../../config';
import { configureEgress } from '../../connectors/egress/egress-policy';
import { ConnectorsFileError } from '../../connectors/registry/connectors-file';
import { loadConnectors, type LoadedConnectors } from '../../server/connectors/load-registry';
import { PluginLoadError } from '../../connectors/registry/plugins';
import { createVault } from '../../connectors/vault';
import { eventuallyFound } from '../support/eventually';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const FIXTURE = resolve(__dirname, '../fixtures/junction-plugin-example');
const MASTER_KEY = 'plugin-test-master-key-0123456789abcdef';

/** Plays the fictional Example CRM of the fixture plugin and records what it was sent. */
function startExampleCrm(): Promise<{
  server: Server;
  url: string;
  requests: { method: string; url: string; headers: IncomingHttpHeaders }[];
}> {
  const requests: { method: string; url: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    res.setHeader('content-type', 'application/json');
    if (req.url === '/v1/ping') return res.end('{"ok":true}');
    if (req.method === 'PUT' && req.url?.startsWith('/v1/contacts/')) {
      const email = decodeURIComponent(req.url.slice('/v1/contacts/'.length));
      return res.end(
        JSON.stringify({ id: 'c-1', email, first_name: 'Ada', last_name: null, updated_at: '2025-01-01T00:00:00Z' }),
      );
    }
    res.statusCode = 404;
    res.end('{"error":"not found"}');
  });
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () =>
      done({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests }),
    ),
  );
}

describe('connector plugins and connectors.yaml at start-up (integration, MariaDB)', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let dir: string;
  let crm: Awaited<ReturnType<typeof startExampleCrm>>;
  let config: Config;
  const opened: LoadedConnectors[] = [];

  async function load(
    yaml: string,
    env: Record<string, string> = {},
    options: { refreshIntervalMs?: number } = {},
  ): Promise<LoadedConnectors> {
    const file = join(dir, `connectors-${opened.length}-${Math.random().toString(36).slice(2)}.yaml`);
    await writeFile(file, yaml);
    const loaded = await loadConnectors({
      config,
      models: db.models,
      env,
      file,
      refreshIntervalMs: options.refreshIntervalMs ?? 0,
    });
    opened.push(loaded);
    return loaded;
  }

  /** The operator's allow-list entry for the Example CRM, which listens on loopback. */
  const egressAllowingCrm = () => `egress: { allow: ['${new URL(crm.url).host}'] }\n`;

  async function loadFailure(yaml: string, env: Record<string, string> = {}): Promise<Error> {
    const error = await load(yaml, env).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(Error);
    return error as Error;
  }

  const exampleInstance = (name: string, apiKeyVar = 'EXAMPLE_API_KEY') => `
  ${name}:
    kind: crm
    vendor: example
    settings: { baseUrl: '\${EXAMPLE_URL}' }
    credentials: { apiKey: '\${${apiKeyVar}}' }`;

  before(async () => {
    db = await createTestDatabase('plugins');
    dir = await mkdtemp(join(tmpdir(), 'junction-plugins-'));
    crm = await startExampleCrm();
    config = loadConfig({ DATABASE_URL: db.url, JUNCTION_MASTER_KEY: MASTER_KEY }, false);
  });

  afterEach(async () => {
    for (const loaded of opened.splice(0)) await loaded.close();
    await db.models.ConnectorInstance.destroy({ where: {} });
    // loadConnectors set this process's egress allow-list from the file: back to strict for the next test.
    configureEgress({ allow: [] });
  });

  after(async () => {
    await new Promise((done) => crm?.server.close(done));
    await rm(dir, { recursive: true, force: true });
    await db?.destroy();
  });

  it('loads the plugin listed in connectors.yaml; its instance gets credentials from ${ENV} and talks to the vendor', async () => {
    const loaded = await load(
      `plugins: ['${FIXTURE}']\n${egressAllowingCrm()}instances:${exampleInstance('crm.example')}\n`,
      { EXAMPLE_URL: crm.url, EXAMPLE_API_KEY: 'key-from-env-123' },
    );
    expect(loaded.plugins).to.deep.equal([{ plugin: FIXTURE, vendors: ['crm/example'] }]);
    expect(loaded.registry.listVendors()).to.deep.include({ kind: 'crm', vendor: 'example' });

    const connector = loaded.registry.resolve('crm', 'crm.example');
    expect(connector).to.include({ kind: 'crm', vendor: 'example', name: 'crm.example' });
    await connector.healthCheck();
    const contact = await connector.upsertContact(
      { email: 'ada@example.test', firstName: 'Ada' },
      { idempotencyKey: 'order-1/upsertContact' },
    );
    expect(contact).to.deep.equal({
      id: 'c-1',
      email: 'ada@example.test',
      firstName: 'Ada',
      updatedAt: '2025-01-01T00:00:00Z',
    });
    const [ping, put] = crm.requests.slice(-2);
    expect(ping?.headers['x-api-key']).to.equal('key-from-env-123');
    expect(put?.headers['idempotency-key']).to.equal('order-1/upsertContact');
    const unsupported = await connector
      .createDeal({ name: 'd', contactId: 'c-1', amount: { amount: 1, currency: 'EUR' } }, { idempotencyKey: 'k' })
      .catch((e: unknown) => e);
    expect(unsupported).to.have.property('code', 'UNSUPPORTED');
  });

  it('takes database rows over the file and the file over the defaults; row credentials are opened by the vault', async () => {
    const sealed = createVault(config).seal('crm.vaulted', { apiKey: 'key-from-vault-456' });
    await db.models.ConnectorInstance.bulkCreate([
      { name: 'crm.main', kind: 'crm', vendor: 'sandbox', settings: { pageSize: 5 } },
      {
        name: 'crm.vaulted',
        kind: 'crm',
        vendor: 'example',
        settings: { baseUrl: crm.url },
        credentialsCiphertext: sealed.ciphertext,
        credentialsKeyId: sealed.keyId,
      },
    ]);
    const loaded = await load(
      `plugins: ['${FIXTURE}']\n${egressAllowingCrm()}instances:${exampleInstance('crm.main')}${exampleInstance('crm.eu')}\n`,
      { EXAMPLE_URL: crm.url, EXAMPLE_API_KEY: 'key-from-env-123' },
    );
    const sources = Object.fromEntries(loaded.registry.listInstances().map((i) => [i.name, `${i.source}:${i.vendor}`]));
    expect(sources).to.deep.include({
      'crm.main': 'database:sandbox',
      'crm.eu': 'config:example',
      'crm.vaulted': 'database:example',
      'erp.main': 'default:sandbox',
    });

    await loaded.registry.resolve('crm', 'crm.vaulted').healthCheck();
    expect(crm.requests.at(-1)?.headers['x-api-key']).to.equal('key-from-vault-456');
  });

  it("when no operator entry names the plugin vendor's loopback address, then its HTTP client is refused; CONNECTOR_EGRESS_ALLOW or egress.allow opens exactly that address", async () => {
    const instances = `plugins: ['${FIXTURE}']\ninstances:${exampleInstance('crm.example')}\n`;
    const env = { EXAMPLE_URL: crm.url, EXAMPLE_API_KEY: 'key-from-env-123' };
    const before = crm.requests.length;
    const refused = await load(instances, env);
    const error = await refused.registry
      .resolve('crm', 'crm.example')
      .healthCheck()
      .catch((e: unknown) => e);
    expect(error).to.include({ code: 'DESTINATION_REFUSED', retryable: false });
    expect(crm.requests.length, 'requests that reached the vendor').to.equal(before);

    const otherPort = `127.0.0.1:${Number(new URL(crm.url).port) === 65535 ? 65534 : Number(new URL(crm.url).port) + 1}`;
    const elsewhere = await load(`egress: { allow: ['${otherPort}'] }\n${instances}`, env);
    expect(
      await elsewhere.registry
        .resolve('crm', 'crm.example')
        .healthCheck()
        .catch((e: unknown) => e),
    ).to.include({ code: 'DESTINATION_REFUSED' });

    config = loadConfig(
      { DATABASE_URL: db.url, JUNCTION_MASTER_KEY: MASTER_KEY, CONNECTOR_EGRESS_ALLOW: new URL(crm.url).host },
      false,
    );
    try {
      await (await load(instances, env)).registry.resolve('crm', 'crm.example').healthCheck();
    } finally {
      config = loadConfig({ DATABASE_URL: db.url, JUNCTION_MASTER_KEY: MASTER_KEY }, false);
    }
    expect(crm.requests.length).to.equal(before + 1);
  });

  it('when egress.allow holds something that is not a destination, then start-up fails naming the entry', async () => {
    const error = await loadFailure("egress: { allow: ['https://api.example.test', '*.com'] }\n");
    expect(error).to.be.instanceOf(ConnectorsFileError);
    expect(error.message)
      .to.contain('egress.allow[0]: "https://api.example.test" must be a host')
      .and.contain('egress.allow[1]: "*.com": a wildcard must name a domain');
  });

  it('picks up rows saved by other processes within the refresh interval', async () => {
    const loaded = await load('instances: {}\n', {}, { refreshIntervalMs: 100 });
    expect(loaded.registry.describeInstance('crm.later')).to.equal(undefined);
    await db.models.ConnectorInstance.create({ name: 'crm.later', kind: 'crm', vendor: 'sandbox', settings: {} });
    const later = await eventuallyFound(
      'crm.later in the registry',
      () => loaded.registry.describeInstance('crm.later'),
      {
        timeoutMs: 5_000,
        intervalMs: 50,
      },
    );
    expect(later.source).to.equal('database');
  });

  it('exposes the step defaults, and refuses defaults naming instances that do not exist', async () => {
    const loaded = await load('defaults: { crm: crm.main, email: email.main }\n');
    expect(loaded.defaults).to.deep.equal({ crm: 'crm.main', email: 'email.main' });
    const error = await loadFailure('defaults: { erp: erp.nowhere }\n');
    expect(error).to.be.instanceOf(ConnectorsFileError);
    expect(error.message).to.contain('defaults.erp: no connector instance "erp.nowhere"');
  });

  it('when an instance uses a vendor no plugin registered, or fails its vendor schema, then start-up fails naming it', async () => {
    const unknown = await loadFailure(`instances:${exampleInstance('crm.example')}\n`, {
      EXAMPLE_URL: crm.url,
      EXAMPLE_API_KEY: 'key-from-env-123',
    });
    expect(unknown.message)
      .to.contain('instances.crm.example.vendor: no crm vendor "example" is registered')
      .and.contain('is its plugin listed?');
    const invalid = await loadFailure(`plugins: ['${FIXTURE}']\ninstances:${exampleInstance('crm.example')}\n`, {
      EXAMPLE_URL: 'not a url',
      EXAMPLE_API_KEY: 'short',
    });
    expect(invalid.message)
      .to.contain('instances.crm.example.settings.baseUrl: Invalid URL')
      .and.contain('instances.crm.example.credentials.apiKey:')
      .and.not.contain('short');
  });

  it('accepts a plugin that exports a vendors array, resolved relative to the file', async () => {
    await mkdir(join(dir, 'plugins', 'array-plugin'), { recursive: true });
    await writeFile(
      join(dir, 'plugins', 'array-plugin', 'index.js'),
      `exports.vendors = [{ kind: 'erp', vendor: 'array-erp', create: ({ name }) => ({ kind: 'erp', vendor: 'array-erp', name, unsupported: [], healthCheck: async () => {} }) }];`,
    );
    const loaded = await load(
      `plugins: ['./plugins/array-plugin']\ninstances:\n  erp.array: { kind: erp, vendor: array-erp }\n`,
    );
    expect(loaded.plugins).to.deep.equal([{ plugin: './plugins/array-plugin', vendors: ['erp/array-erp'] }]);
    await loaded.registry.resolve('erp', 'erp.array').healthCheck();
  });

  describe('a bad plugin fails start-up with a message naming it', () => {
    const cases: [string, string, RegExp][] = [
      [
        'missing',
        '',
        /Connector plugin "\.\/plugins\/missing" cannot be loaded: not found from .* \(is it installed\?\)/,
      ],
      [
        'throws',
        'throw new Error("boom at load");',
        /"\.\/plugins\/throws" cannot be loaded: require failed: boom at load/,
      ],
      [
        'broken-dependency',
        "require('@acme/not-installed-dependency');",
        /"\.\/plugins\/broken-dependency" cannot be loaded: require failed: Cannot find module '@acme\/not-installed-dependency'/,
      ],
      [
        'empty',
        'exports.something = 1;',
        /"\.\/plugins\/empty" cannot be loaded: it exports neither registerJunctionConnectors\(host\) nor a vendors array/,
      ],
      [
        'bad-kind',
        "exports.vendors = [{ kind: 'hr', vendor: 'x', create() {} }];",
        /"\.\/plugins\/bad-kind" cannot be loaded: vendor hr\/x: kind must be one of crm, erp, email, payment/,
      ],
      ['no-create', "exports.vendors = [{ kind: 'crm', vendor: 'x' }];", /vendor crm\/x: create must be a function/],
      [
        'shadowing',
        "exports.registerJunctionConnectors = (host) => host.registerVendor({ kind: 'crm', vendor: 'sandbox', create() {} });",
        /vendor crm\/sandbox is already registered/,
      ],
      [
        'register-throws',
        'exports.registerJunctionConnectors = () => { throw new Error("cannot register"); };',
        /registerJunctionConnectors failed: cannot register/,
      ],
      ['nothing', 'exports.registerJunctionConnectors = () => {};', /it registered no vendor/],
    ];
    for (const [name, source, message] of cases) {
      it(`${name}`, async () => {
        if (source) {
          await mkdir(join(dir, 'plugins', name), { recursive: true });
          await writeFile(join(dir, 'plugins', name, 'index.js'), source);
        }
        const error = await loadFailure(`plugins: ['./plugins/${name}']\n`);
        expect(error).to.be.instanceOf(PluginLoadError);
        expect(error.message).to.match(message);
      });
    }
  });

  it('an explicit CONNECTORS_FILE must exist; the default file is optional', async () => {
    const missing = join(dir, 'nope.yaml');
    const error = await loadConnectors({
      config: loadConfig({ DATABASE_URL: db.url, CONNECTORS_FILE: missing }, false),
      models: db.models,
      env: {},
      refreshIntervalMs: 0,
    }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ConnectorsFileError);
    expect((error as Error).message).to.contain(missing);
    const loaded = await loadConnectors({ config, models: db.models, env: {}, file: undefined, refreshIntervalMs: 0 });
    opened.push(loaded);
    expect(loaded.registry.describeInstance('crm.main')?.source).to.be.oneOf(['default', 'config']);
  });
});
