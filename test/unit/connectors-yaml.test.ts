import { expect } from 'chai';
import type { Sequelize } from 'sequelize';
import { loadConfig } from '../../config';
import { ConnectorError } from '../../connectors/connector-error';
import { createDefaultRegistry } from '../../connectors/registry';
import { ConnectorsFileError, parseConnectorsFile } from '../../connectors/registry/connectors-file';
import { withDefaultConnectors } from '../../connectors/registry/step-defaults';
import { SandboxCrmConnector } from '../../connectors/sandbox/sandbox-crm.connector';
import { initModels, type Models } from '../../server/db/models';
import { createSequelize } from '../../server/db/sequelize';
import { registryDeps } from '../../server/connectors/registry-deps';

function fileError(text: string, env: Record<string, string> = {}): ConnectorsFileError {
  try {
    parseConnectorsFile(text, env, 'test.yaml');
  } catch (error) {
    expect(error).to.be.instanceOf(ConnectorsFileError);
    return error as ConnectorsFileError;
  }
  expect.fail('expected a ConnectorsFileError');
}

const FULL = `
plugins:
  - '@acme/junction-connector-foo'
defaults:
  crm: crm.eu
  email: email.main
instances:
  crm.eu:
    kind: crm
    vendor: sandbox
    settings:
      pageSize: 50
  email.relay:
    kind: email
    vendor: smtp
    settings:
      url: smtp://\${RELAY_HOST}:587
      from: Shop <shop@shop.example>
      note: costs $\${5}
    credentials:
      username: \${RELAY_USER}
      password: \${RELAY_PASSWORD}
    enabled: false
`;

describe('connectors.yaml', () => {
  const env = { RELAY_HOST: 'relay.example', RELAY_USER: 'shop', RELAY_PASSWORD: 'pw-from-env' };

  describe('parsing', () => {
    it('reads plugins, step defaults and instances, resolving ${ENV} references', () => {
      const file = parseConnectorsFile(FULL, env, 'test.yaml');
      expect(file.plugins).to.deep.equal(['@acme/junction-connector-foo']);
      expect(file.defaults).to.deep.equal({ crm: 'crm.eu', email: 'email.main' });
      expect(file.instances['crm.eu']).to.deep.equal({
        kind: 'crm',
        vendor: 'sandbox',
        settings: { pageSize: 50 },
        credentials: undefined,
        enabled: true,
      });
      expect(file.instances['email.relay']).to.deep.equal({
        kind: 'email',
        vendor: 'smtp',
        settings: { url: 'smtp://relay.example:587', from: 'Shop <shop@shop.example>', note: 'costs ${5}' },
        credentials: { username: 'shop', password: 'pw-from-env' },
        enabled: false,
      });
    });

    it('treats an empty or comment-only file as no configuration', () => {
      expect(parseConnectorsFile('# nothing yet\n', {})).to.deep.include({ plugins: [], defaults: {}, instances: {} });
    });

    it('when a credential is a literal value, then the file is refused, naming the field and not the value', () => {
      const error = fileError(`
instances:
  crm.eu:
    kind: crm
    vendor: sandbox
    credentials:
      clientSecret: hunter2-literal
      pin: 1234
`);
      expect(error.problems).to.deep.equal([
        'instances.crm.eu.credentials.clientSecret: must be an ${ENV_VAR} reference: literal secrets are not allowed in this file',
        'instances.crm.eu.credentials.pin: must be an ${ENV_VAR} reference: literal secrets are not allowed in this file',
      ]);
      expect(error.message).to.contain('test.yaml').and.not.contain('hunter2').and.not.contain('1234');
    });

    it('when a referenced variable is unset, then the file is refused naming the field and the variable', () => {
      const error = fileError(FULL, { RELAY_HOST: 'relay.example', RELAY_USER: 'shop' });
      expect(error.problems).to.deep.equal([
        'instances.email.relay.credentials.password: environment variable RELAY_PASSWORD is not set',
      ]);
      const settings = fileError(FULL, { RELAY_USER: 'shop', RELAY_PASSWORD: 'x' });
      expect(settings.problems).to.deep.equal([
        'instances.email.relay.settings.url: environment variable RELAY_HOST is not set',
      ]);
    });

    it('when a literal URL carries a password, then the file is refused; from a reference it is fine', () => {
      const literal = fileError(`
instances:
  email.relay:
    kind: email
    vendor: smtp
    settings: { url: 'smtp://shop:hunter2@relay.example:587', from: 'a@b.example' }
`);
      expect(literal.problems).to.have.length(1);
      expect(literal.problems[0]).to.match(/^instances\.email\.relay\.settings\.url: must not carry a password/);
      expect(literal.message).not.to.contain('hunter2');
      const referenced = parseConnectorsFile(
        `
instances:
  email.relay: { kind: email, vendor: smtp, settings: { url: '\${SMTP_URL}', from: 'a@b.example' } }
`,
        { SMTP_URL: 'smtp://shop:hunter2@relay.example:587' },
      );
      expect(referenced.instances['email.relay']?.settings.url).to.equal('smtp://shop:hunter2@relay.example:587');
    });

    it('names malformed names, kinds, unknown keys, bad defaults and invalid YAML', () => {
      expect(fileError('instances:\n  CRM.Main: { kind: crm, vendor: sandbox }\n').problems[0]).to.match(
        /^instances\.CRM\.Main: /,
      );
      expect(fileError('instances:\n  crm.eu: { kind: erp, vendor: sandbox }\n').problems).to.deep.equal([
        "instances.crm.eu.kind: must match the name's prefix (crm)",
      ]);
      expect(fileError('instances:\n  crm.eu: { kind: crm, vendor: sandbox, setings: {} }\n').problems).to.deep.equal([
        'instances.crm.eu.setings: is not allowed here',
      ]);
      expect(fileError('defaults:\n  crm: erp.main\n').problems).to.deep.equal([
        'defaults.crm: "erp.main" is not a crm instance',
      ]);
      expect(fileError('plugin: [x]\n').problems).to.deep.equal(['plugin: is not allowed here']);
      expect(fileError('instances: [\n').problems[0]).to.match(/^not valid YAML/);
    });
  });

  describe('precedence in the registry: database > connectors.yaml > defaults', () => {
    let sequelize: Sequelize;
    let models: Models;
    const config = loadConfig({}, false);

    // The registry only needs the models; no server listens on this port, so a query would fail.
    before(() => {
      sequelize = createSequelize('mysql://root@127.0.0.1:1/no_server_here');
      models = initModels(sequelize);
    });

    after(() => sequelize.close());

    it('resolves the highest layer that defines a name, and falls back when it is removed', async () => {
      const registry = createDefaultRegistry(registryDeps(config, models));
      expect(registry.describeInstance('crm.main')?.source).to.equal('default');

      registry.defineInstance('crm.main', { kind: 'crm', vendor: 'sandbox', settings: { pageSize: 10 } }, 'config');
      expect(registry.describeInstance('crm.main')?.source).to.equal('config');
      const fromFile = registry.resolve('crm', 'crm.main');

      registry.defineInstance(
        'crm.main',
        { kind: 'crm', vendor: 'sandbox', settings: { pageSize: 20 }, revision: 'r1' },
        'database',
      );
      const fromDatabase = registry.resolve('crm', 'crm.main');
      expect(fromDatabase, 'rebuilt for the database definition').not.to.equal(fromFile);
      expect(registry.listInstances().find((i) => i.name === 'crm.main')?.source).to.equal('database');

      // A lower layer changing underneath does not touch the instance in force.
      registry.defineInstance('crm.main', { kind: 'crm', vendor: 'sandbox', settings: {} }, 'config');
      expect(registry.resolve('crm', 'crm.main')).to.equal(fromDatabase);

      // A refresh that brings the same revision keeps the built connector.
      registry.replaceLayer(
        'database',
        new Map([['crm.main', { kind: 'crm', vendor: 'sandbox', settings: { pageSize: 20 }, revision: 'r1' }]]),
      );
      expect(registry.resolve('crm', 'crm.main')).to.equal(fromDatabase);

      expect(registry.removeInstance('crm.main', 'database')).to.equal(true);
      expect(registry.describeInstance('crm.main')?.source).to.equal('config');
      expect(registry.resolve('crm', 'crm.main')).to.be.instanceOf(SandboxCrmConnector).and.not.equal(fromDatabase);
      await registry.close();
    });

    it('a refresh read before a one-by-one change does not undo it', () => {
      const registry = createDefaultRegistry(registryDeps(config, models));
      const since = registry.currentGeneration();
      registry.defineInstance(
        'crm.new',
        { kind: 'crm', vendor: 'sandbox', settings: {}, revision: 'saved' },
        'database',
      );
      registry.replaceLayer('database', new Map(), since);
      expect(registry.describeInstance('crm.new')?.definition.revision).to.equal('saved');
      registry.replaceLayer('database', new Map());
      expect(registry.describeInstance('crm.new')).to.equal(undefined);
    });

    it('when an instance is disabled, then resolving it fails as misconfigured', () => {
      const registry = createDefaultRegistry(registryDeps(config, models));
      registry.defineInstance('crm.off', { kind: 'crm', vendor: 'sandbox', settings: {}, enabled: false });
      expect(() => registry.resolve('crm', 'crm.off')).to.throw(ConnectorError, 'disabled');
    });

    it('passes credentials to the factory, checked by the vendor schema, without echoing them in errors', () => {
      const registry = createDefaultRegistry(registryDeps(config, models));
      registry.defineInstance('email.relay', {
        kind: 'email',
        vendor: 'smtp',
        settings: { url: 'smtp://relay.example:587', from: 'a@b.example' },
        credentials: () => ({ username: 'shop', pasword: 'typo-secret' }),
      });
      const error = (() => {
        try {
          registry.resolve('email', 'email.relay');
        } catch (e) {
          return e as ConnectorError;
        }
        return expect.fail('resolve should have thrown');
      })();
      expect(error.code).to.equal('CONNECTOR_MISCONFIGURED');
      expect(error.message).to.contain('credentials.pasword: is not allowed here').and.not.contain('typo-secret');
    });
  });

  describe('step defaults', () => {
    it('fills the instances a run input does not name, keeping those it does', () => {
      const input = { orderId: 'A-1', connectors: { erp: 'erp.us' } };
      expect(withDefaultConnectors(input, { crm: 'crm.eu', erp: 'erp.eu' })).to.deep.equal({
        orderId: 'A-1',
        connectors: { crm: 'crm.eu', erp: 'erp.us' },
      });
      expect(withDefaultConnectors({ orderId: 'A-2' }, { crm: 'crm.eu' })).to.deep.equal({
        orderId: 'A-2',
        connectors: { crm: 'crm.eu' },
      });
    });

    it('leaves inputs alone when there are no defaults, or the input is not an object or has malformed connectors', () => {
      const input = { orderId: 'A-3' };
      expect(withDefaultConnectors(input, {})).to.equal(input);
      expect(withDefaultConnectors('text', { crm: 'crm.eu' })).to.equal('text');
      const malformed = { orderId: 'A-4', connectors: 'crm.eu' };
      expect(withDefaultConnectors(malformed, { crm: 'crm.eu' })).to.equal(malformed);
    });
  });
});
