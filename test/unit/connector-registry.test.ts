import { expect } from 'chai';
import type { Sequelize } from 'sequelize';
import { loadConfig } from '../../config';
import { ConnectorError } from '../../connectors/connector-error';
import { SmtpEmailConnector } from '../../connectors/email/smtp/smtp.connector';
import { ConnectorRegistry, createDefaultRegistry } from '../../connectors/registry';
import { SandboxCrmConnector } from '../../connectors/sandbox/sandbox-crm.connector';
import { initModels, type Models } from '../../server/db/models';
import { createSequelize } from '../../server/db/sequelize';

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
  // Building connectors opens no connection: a database that does not exist is fine here.
  let sequelize: Sequelize;
  let models: Models;
  const config = loadConfig({ SMTP_URL: 'smtp://user:secret@mail.example:2525', EMAIL_FROM: 'Shop <shop@shop.example>' }, false);

  before(() => {
    sequelize = createSequelize('mysql://root@127.0.0.1:3306/junction_registry_unit');
    models = initModels(sequelize);
  });

  after(() => sequelize.close());

  it('resolves the default instances to their vendors, building each once', async () => {
    const registry = createDefaultRegistry({ config, models });
    const crm = registry.resolve('crm', 'crm.main');
    expect(crm).to.be.instanceOf(SandboxCrmConnector);
    expect(crm).to.include({ kind: 'crm', vendor: 'sandbox', name: 'crm.main' });
    expect(registry.resolve('crm', 'crm.main')).to.equal(crm);
    expect(registry.resolve('erp', 'erp.main')).to.include({ kind: 'erp', vendor: 'sandbox' });
    expect(registry.resolve('payment', 'payment.main')).to.include({ kind: 'payment', vendor: 'sandbox' });
    expect(registry.resolve('email', 'email.main')).to.be.instanceOf(SmtpEmailConnector);
    expect(registry.listInstances().map((i) => i.name).sort()).to.deep.equal(['crm.main', 'email.main', 'erp.main', 'payment.main']);
    await registry.close();
    expect(registry.resolve('crm', 'crm.main'), 'rebuilt after close').not.to.equal(crm);
    await registry.close();
  });

  it('when the name is unknown, then CONNECTOR_MISCONFIGURED, not retryable', () => {
    const registry = createDefaultRegistry({ config, models });
    const error = misconfiguration(() => registry.resolve('crm', 'crm.nowhere'));
    expect(error.toDetails()).to.deep.equal({ code: 'CONNECTOR_MISCONFIGURED', retryable: false });
    expect(error.message).to.contain('crm.nowhere');
  });

  it('when the instance is of another kind, then CONNECTOR_MISCONFIGURED', () => {
    const registry = createDefaultRegistry({ config, models });
    expect(misconfiguration(() => registry.resolve('payment', 'crm.main')).code).to.equal('CONNECTOR_MISCONFIGURED');
  });

  it('when the vendor is unknown or the settings are invalid, then CONNECTOR_MISCONFIGURED without echoing settings', () => {
    const registry = createDefaultRegistry({ config, models });
    registry.defineInstance('crm.hub', { kind: 'crm', vendor: 'hubspot', settings: {} });
    expect(misconfiguration(() => registry.resolve('crm', 'crm.hub')).message).to.contain('crm/hubspot');
    registry.defineInstance('email.bad', { kind: 'email', vendor: 'smtp', settings: { url: 'http://user:pw-leak@x', from: 'a@b.c' } });
    const error = misconfiguration(() => registry.resolve('email', 'email.bad'));
    expect(error.message).to.contain('url:').and.not.contain('pw-leak');
  });

  it('falls back to the local mail catcher when SMTP_URL is unset', () => {
    const registry = createDefaultRegistry({ config: loadConfig({}, false), models });
    expect(registry.resolve('email', 'email.main').vendor).to.equal('smtp');
  });

  it('lets a vendor be registered as data and an instance be replaced', async () => {
    const registry = new ConnectorRegistry({ config, models });
    registry.registerVendor({ kind: 'crm', vendor: 'sandbox', create: ({ name }, deps) => new SandboxCrmConnector(name, deps.models) });
    registry.defineInstance('crm.eu', { kind: 'crm', vendor: 'sandbox', settings: {} });
    const first = registry.resolve('crm', 'crm.eu');
    registry.defineInstance('crm.eu', { kind: 'crm', vendor: 'sandbox', settings: {} });
    expect(registry.resolve('crm', 'crm.eu')).not.to.equal(first);
    await registry.close();
  });
});
