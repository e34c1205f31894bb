import { expect } from 'chai';
import type { Sequelize } from 'sequelize';
import { loadConfig } from '../../config';
import { ConnectorError } from '../../connectors/connector-error';
import { SmtpEmailConnector } from '../../connectors/email/smtp/smtp.connector';
import { configureEgress } from '../../connectors/egress/egress-policy';
import { ConnectorRegistry, createDefaultRegistry } from '../../connectors/registry';
import { SandboxCrmConnector } from '../../connectors/sandbox/sandbox-crm.connector';
import { initModels, type Models } from '../../server/db/models';
import { createSequelize } from '../../server/db/sequelize';
import { registryDeps } from '../../server/connectors/registry-deps';

function misconfiguration(call: () => unknown): ConnectorError {
  try {
    call();
  } catch (error) {
    expect(error).to.be.instanceOf(ConnectorError);
    return error as ConnectorError;
  }
  expect.fail('resolve should have thrown');
}

describe('connector registry', () => {
  // Building connectors opens no connection: the URL names a port where no server listens, so a query would fail.
  let sequelize: Sequelize;
  let models: Models;
  const config = loadConfig(
    { SMTP_URL: 'smtp://user:secret@mail.example:2525', EMAIL_FROM: 'Shop <shop@shop.example>' },
    false,
  );

  before(() => {
    sequelize = createSequelize('mysql://root@127.0.0.1:1/no_server_here');
    models = initModels(sequelize);
  });

  after(() => sequelize.close());

  it('resolves the default instances to their vendors, building each once', async () => {
    const registry = createDefaultRegistry(registryDeps(config, models));
    const crm = registry.resolve('crm', 'crm.main');
    expect(crm).to.be.instanceOf(SandboxCrmConnector);
    expect(crm).to.include({ kind: 'crm', vendor: 'sandbox', name: 'crm.main' });
    expect(registry.resolve('crm', 'crm.main')).to.equal(crm);
    expect(registry.resolve('erp', 'erp.main')).to.include({ kind: 'erp', vendor: 'sandbox' });
    expect(registry.resolve('payment', 'payment.main')).to.include({ kind: 'payment', vendor: 'sandbox' });
    expect(registry.resolve('email', 'email.main')).to.be.instanceOf(SmtpEmailConnector);
    expect(
      registry
        .listInstances()
        .map((i) => i.name)
        .sort(),
    ).to.deep.equal(['crm.main', 'email.main', 'erp.main', 'payment.main']);
    await registry.close();
    expect(registry.resolve('crm', 'crm.main'), 'rebuilt after close').not.to.equal(crm);
    await registry.close();
  });

  it('when the name is unknown, then CONNECTOR_MISCONFIGURED, not retryable', () => {
    const registry = createDefaultRegistry(registryDeps(config, models));
    const error = misconfiguration(() => registry.resolve('crm', 'crm.nowhere'));
    expect(error.toDetails()).to.deep.equal({ code: 'CONNECTOR_MISCONFIGURED', retryable: false });
    expect(error.message).to.contain('crm.nowhere');
  });

  it('when the instance is of another kind, then CONNECTOR_MISCONFIGURED', () => {
    const registry = createDefaultRegistry(registryDeps(config, models));
    expect(misconfiguration(() => registry.resolve('payment', 'crm.main')).code).to.equal('CONNECTOR_MISCONFIGURED');
  });

  it('when the vendor is unknown or the settings are invalid, then CONNECTOR_MISCONFIGURED without echoing settings', () => {
    const registry = createDefaultRegistry(registryDeps(config, models));
    registry.defineInstance('crm.hub', { kind: 'crm', vendor: 'hubspot', settings: {} });
    expect(misconfiguration(() => registry.resolve('crm', 'crm.hub')).message).to.contain('crm/hubspot');
    registry.defineInstance('email.bad', {
      kind: 'email',
      vendor: 'smtp',
      settings: { url: 'http://user:pw-leak@x', from: 'a@b.c' },
    });
    const error = misconfiguration(() => registry.resolve('email', 'email.bad'));
    expect(error.message).to.contain('url:').and.not.contain('pw-leak');
  });

  it('falls back to the local mail catcher when SMTP_URL is unset', () => {
    const registry = createDefaultRegistry(registryDeps(loadConfig({}, false), models));
    expect(registry.resolve('email', 'email.main').vendor).to.equal('smtp');
  });

  it('lets a vendor be registered as data and an instance be replaced', async () => {
    const registry = new ConnectorRegistry(registryDeps(config, models));
    registry.registerVendor({
      kind: 'crm',
      vendor: 'sandbox',
      create: ({ name }, deps) => new SandboxCrmConnector(name, deps.sandbox),
    });
    registry.defineInstance('crm.eu', { kind: 'crm', vendor: 'sandbox', settings: {} });
    const first = registry.resolve('crm', 'crm.eu');
    registry.defineInstance('crm.eu', { kind: 'crm', vendor: 'sandbox', settings: {} });
    expect(registry.resolve('crm', 'crm.eu')).not.to.equal(first);
    await registry.close();
  });

  describe('destinations of an instance, checked whenever it is built (any layer)', () => {
    afterEach(() => configureEgress({ allow: [] }));

    const stripe = (settings: Record<string, unknown>) => ({
      kind: 'payment' as const,
      vendor: 'stripe',
      settings,
      credentials: () => ({ secretKey: 'sk_test_123' }),
    });

    it("when a URL lies outside the vendor's hosts, then CONNECTOR_MISCONFIGURED naming the field, whichever layer defined it", () => {
      const registry = createDefaultRegistry(registryDeps(config, models));
      registry.defineInstance(
        'payment.stripe',
        stripe({ baseUrl: 'https://api.stripe.com.attacker.example' }),
        'config',
      );
      registry.defineInstance('payment.plain', stripe({ baseUrl: 'http://api.stripe.com' }), 'database');
      for (const name of ['payment.stripe', 'payment.plain']) {
        const error = misconfiguration(() => registry.resolve('payment', name));
        expect(error.code).to.equal('CONNECTOR_MISCONFIGURED');
        expect(error.message).to.contain(
          "settings.baseUrl: must be an https:// URL on payment/stripe's hosts (api.stripe.com)",
        );
      }
      registry.defineInstance('payment.live', stripe({}), 'database');
      expect(registry.resolve('payment', 'payment.live')).to.include({ vendor: 'stripe' });
    });

    it("when a token URL in the credentials lies outside the vendor's hosts, then the instance is refused too", () => {
      const registry = createDefaultRegistry(registryDeps(config, models));
      registry.defineInstance('crm.sf', {
        kind: 'crm',
        vendor: 'salesforce',
        settings: { instanceUrl: 'https://acme.my.salesforce.com' },
        credentials: () => ({
          type: 'oauth2ClientCredentials',
          tokenUrl: 'https://login.attacker.example/services/oauth2/token',
          clientId: 'c',
          clientSecret: 's',
        }),
      });
      expect(misconfiguration(() => registry.resolve('crm', 'crm.sf')).message).to.contain(
        'credentials.tokenUrl: must be an https:// URL on crm/salesforce',
      );
    });

    it("when the operator's allow-list names the destination (a Stripe egress proxy), then it builds", () => {
      const registry = createDefaultRegistry(registryDeps(config, models));
      registry.defineInstance('payment.proxied', stripe({ baseUrl: 'https://stripe-proxy.corp.example:8443' }));
      expect(misconfiguration(() => registry.resolve('payment', 'payment.proxied')).code).to.equal(
        'CONNECTOR_MISCONFIGURED',
      );
      configureEgress({ allow: ['stripe-proxy.corp.example:8443'] });
      registry.defineInstance(
        'payment.proxied',
        stripe({ baseUrl: 'https://stripe-proxy.corp.example:8443', timeoutMs: 5000 }),
      );
      expect(registry.resolve('payment', 'payment.proxied')).to.include({ vendor: 'stripe' });
    });

    it('when a database row names a Redis for its rate limit, then it is refused; connectors.yaml may name one', async () => {
      const registry = createDefaultRegistry(registryDeps(config, models));
      const hubspot = {
        kind: 'crm' as const,
        vendor: 'hubspot',
        // The limiter's client connects when built: nothing listens on this port, and close() stops its retries.
        settings: { rateLimit: { points: 10, durationSeconds: 1, redisUrl: 'redis://127.0.0.1:1' } },
        credentials: () => ({ accessToken: 'pat' }),
      };
      registry.defineInstance('crm.api-row', hubspot, 'database');
      expect(misconfiguration(() => registry.resolve('crm', 'crm.api-row')).message).to.contain(
        'settings.rateLimit.redisUrl: cannot be set here: only the operator chooses Redis',
      );
      registry.defineInstance('crm.file', hubspot, 'config');
      expect(registry.resolve('crm', 'crm.file')).to.include({ vendor: 'hubspot' });
      await registry.close();
    });

    it('when an SMTP URL carries options that move the connection, then it is refused in every environment; TLS-weakening ones only in production', () => {
      const production = loadConfig(
        { NODE_ENV: 'production', JUNCTION_MASTER_KEY: 'k'.repeat(32), SMTP_URL: 'smtp://relay.corp.example:587' },
        false,
      );
      for (const [settingsOf, expected] of [
        [
          config,
          {
            'smtp://relay.corp.example:587?host=127.0.0.1': 'the "host" option is not allowed',
            'smtp://relay.corp.example:587?tls.rejectUnauthorized=false': null,
          },
        ],
        [
          production,
          {
            'smtp://relay.corp.example:587?tls.rejectUnauthorized=false': 'turns TLS checks off',
            'smtp://relay.corp.example:587?debug=true': 'logs the SMTP transcript',
          },
        ],
      ] as const) {
        const registry = createDefaultRegistry(registryDeps(settingsOf, models));
        for (const [url, message] of Object.entries(expected)) {
          registry.defineInstance('email.relay', {
            kind: 'email',
            vendor: 'smtp',
            settings: { url, from: 'Shop <shop@shop.example>' },
          });
          if (message === null) expect(registry.resolve('email', 'email.relay')).to.include({ vendor: 'smtp' });
          else
            expect(misconfiguration(() => registry.resolve('email', 'email.relay')).message)
              .to.contain('settings.url: ')
              .and.contain(message);
        }
      }
    });
  });

  describe('in production (NODE_ENV=production)', () => {
    const production = loadConfig(
      { NODE_ENV: 'production', JUNCTION_MASTER_KEY: 'k'.repeat(32), SMTP_URL: 'smtp://relay.corp.example:587' },
      false,
    );

    it('registers no sandbox vendor and no sandbox instance; email.main stays the SMTP relay of SMTP_URL', () => {
      const registry = createDefaultRegistry(registryDeps(production, models));
      expect(registry.listVendors().filter((v) => v.vendor === 'sandbox')).to.deep.equal([]);
      expect(registry.listInstances().map((i) => `${i.name}:${i.vendor}`)).to.deep.equal(['email.main:smtp']);
      expect(registry.resolve('email', 'email.main')).to.be.instanceOf(SmtpEmailConnector);
    });

    it('when a run asks for crm.main that nobody defined, then CONNECTOR_MISCONFIGURED says production has no sandbox and where to define it', () => {
      const registry = createDefaultRegistry(registryDeps(production, models));
      const error = misconfiguration(() => registry.resolve('crm', 'crm.main'));
      expect(error.message).to.equal(
        'No connector instance named "crm.main" (production has no sandbox connectors: define it in connectors.yaml or through POST /v1/connectors)',
      );
      registry.defineInstance('crm.sandboxed', { kind: 'crm', vendor: 'sandbox', settings: {} }, 'database');
      expect(misconfiguration(() => registry.resolve('crm', 'crm.sandboxed')).message).to.contain(
        'unknown vendor crm/sandbox',
      );
    });
  });
});
