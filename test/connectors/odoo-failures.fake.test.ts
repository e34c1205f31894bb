import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { allowEgressTo } from '../../connectors/egress/egress-policy';
import { OdooRpcClient, odooVendor } from '../../connectors/erp/odoo';
import { toMajorUnits, toMinorUnits } from '../../connectors/erp/odoo/mappers/money';
import { createHttpClient } from '../../connectors/http';
import type { ErpConnector } from '../../connectors/spi';
import { OdooFake } from '../fakes/odoo-fake';
import { connectorFailureOf } from '../support/expect-connector-error';

const key = (step: string) => `odoo-fail-${randomBytes(6).toString('hex')}-${step}`;

function connectorFor(fake: Pick<OdooFake, 'url' | 'db' | 'login' | 'apiKey'>, apiKey = fake.apiKey): ErpConnector {
  const instance = {
    name: 'erp.odoo-test',
    settings: { baseUrl: fake.url, db: fake.db, login: fake.login, timeoutMs: 5_000 },
    credentials: { apiKey },
  };
  return odooVendor.create(instance, {} as Parameters<typeof odooVendor.create>[1]) as ErpConnector;
}

describe('Odoo ERP connector failures against the Odoo fake', () => {
  let fake: OdooFake;
  let erp: ErpConnector;
  const customer = { email: 'buyer@shop.example', name: 'Buyer' };

  beforeEach(async () => {
    fake = await OdooFake.start({ deniedModels: ['purchase.order'] });
    erp = connectorFor(fake);
  });
  afterEach(() => fake.close());

  it('when the API key is wrong, then the login fails UNAUTHORIZED, not retryable', async () => {
    const error = await connectorFailureOf(connectorFor(fake, 'wrong-key').healthCheck());
    expect(error).to.include({ code: 'UNAUTHORIZED', retryable: false });
    expect(error.vendorMessage).to.contain('Access Denied');
  });

  it('when the key is revoked after login, then AccessDenied is UNAUTHORIZED and the next call logs in again', async () => {
    await erp.healthCheck();
    const [oldKey, newKey] = [fake.apiKey, 'rotated-key'];
    fake.apiKey = newKey;
    const error = await connectorFailureOf(erp.getStock(['SKU-1']));
    expect(error).to.include({ code: 'UNAUTHORIZED', retryable: false, vendorMessage: 'Access Denied' });
    fake.apiKey = oldKey;
    await erp.getStock(['SKU-1']);
    expect(fake.calls.filter((c) => c === 'common.authenticate')).to.have.length(2);
  });

  it('when the user lacks access rights (AccessError), then FORBIDDEN, not retryable', async () => {
    fake.seedProduct('SKU-1', 5);
    fake.seedPartner({ name: 'Parts Ltd' });
    const error = await connectorFailureOf(
      erp.createPurchaseOrder(
        {
          externalReference: 'PO-1',
          supplier: 'Parts Ltd',
          currency: 'EUR',
          lines: [{ sku: 'SKU-1', quantity: 1, unitAmount: 100 }],
        },
        { idempotencyKey: key('po') },
      ),
    );
    expect(error).to.include({ code: 'FORBIDDEN', retryable: false });
    expect(error.vendorMessage).to.contain("You are not allowed to access 'purchase.order' records");
  });

  it('when Odoo raises ValidationError or UserError, then INVALID_REQUEST, not retryable, with Odoo’s message', async () => {
    fake.failNext(
      'res.partner',
      'create',
      'odoo.exceptions.ValidationError',
      'The VAT number [XX123] does not seem to be valid.',
    );
    const validation = await connectorFailureOf(erp.upsertCustomer(customer, { idempotencyKey: key('c') }));
    expect(validation).to.include({
      code: 'INVALID_REQUEST',
      retryable: false,
      vendorMessage: 'The VAT number [XX123] does not seem to be valid.',
    });
    fake.failNext(
      'res.partner',
      'create',
      'odoo.exceptions.UserError',
      'You cannot create a contact in an archived company.',
    );
    expect(await connectorFailureOf(erp.upsertCustomer(customer, { idempotencyKey: key('c') }))).to.include({
      code: 'INVALID_REQUEST',
      retryable: false,
    });
    expect(fake.count('res.partner')).to.equal(0);
  });

  it('when Odoo raises MissingError, then NOT_FOUND; when a transaction is serialised out, then retryable', async () => {
    fake.failNext(
      'sale.order',
      'search_read',
      'odoo.exceptions.MissingError',
      'Record does not exist or has been deleted.',
    );
    expect(await connectorFailureOf(erp.cancelSalesOrder('12', { idempotencyKey: key('c') }))).to.include({
      code: 'NOT_FOUND',
      retryable: false,
    });
    fake.failNext(
      'res.partner',
      'search_read',
      'psycopg2.errors.SerializationFailure',
      'could not serialize access due to concurrent update',
    );
    expect(await connectorFailureOf(erp.upsertCustomer(customer, { idempotencyKey: key('c') }))).to.include({
      code: 'VENDOR_UNAVAILABLE',
      retryable: true,
    });
  });

  it('when a request names a field Odoo does not have, then INVALID_REQUEST with Odoo’s ValueError', async () => {
    const rpc = new OdooRpcClient(
      createHttpClient({ connector: 'erp.raw', baseURL: fake.url, timeoutMs: 5_000 }),
      { db: fake.db, login: fake.login, apiKey: fake.apiKey },
      'erp.raw',
    );
    const error = await connectorFailureOf(rpc.create('res.partner', { name: 'X', nickname: 'x' }));
    expect(error).to.include({
      code: 'INVALID_REQUEST',
      retryable: false,
      vendorMessage: "Invalid field 'nickname' on model 'res.partner'",
    });
    expect((await connectorFailureOf(rpc.action('sale.order', '_create_invoices', [1]))).code).to.equal('FORBIDDEN');
  });

  it('the fake refuses account.move state changes Odoo refuses: button_draft of a draft, button_cancel of a cancelled move, an unknown id', async () => {
    const rpc = new OdooRpcClient(
      createHttpClient({ connector: 'erp.raw', baseURL: fake.url, timeoutMs: 5_000 }),
      { db: fake.db, login: fake.login, apiKey: fake.apiKey },
      'erp.raw',
    );
    const move = (state: string) =>
      fake.orm.insert('account.move', {
        name: '/',
        move_type: 'out_invoice',
        state,
        amount_total: 1,
        create_date: '2025-03-01 08:00:00',
      });
    const [draft, cancelled] = [move('draft'), move('cancel')];
    const draftRefused = await connectorFailureOf(rpc.action('account.move', 'button_draft', [draft.id]));
    expect(draftRefused).to.include({
      code: 'INVALID_REQUEST',
      retryable: false,
      vendorMessage: 'Only posted/cancelled journal entries can be reset to draft.',
    });
    const cancelRefused = await connectorFailureOf(
      rpc.action('account.move', 'button_cancel', [cancelled.id, draft.id]),
    );
    expect(cancelRefused).to.include({
      code: 'INVALID_REQUEST',
      retryable: false,
      vendorMessage: 'Only draft journal entries can be cancelled.',
    });
    expect([draft.state, cancelled.state]).to.deep.equal(['draft', 'cancel']);
    await rpc.action('account.move', 'button_cancel', [draft.id]);
    expect(draft.state).to.equal('cancel');
    const unknown = await connectorFailureOf(rpc.action('account.move', 'button_cancel', [999_999]));
    expect(unknown).to.include({ code: 'NOT_FOUND', retryable: false });
    expect(unknown.vendorMessage).to.match(/^Record does not exist or has been deleted\./);
  });

  it('when the proxy answers 429 with Retry-After, then RATE_LIMITED, retryable, waiting as asked; 503 and a dead port retry too', async () => {
    await erp.healthCheck();
    fake.proxyErrorNext(1, 429, 5);
    expect(await connectorFailureOf(erp.getStock(['SKU-1']))).to.include({
      code: 'RATE_LIMITED',
      retryable: true,
      status: 429,
      retryAfterMs: 5000,
    });
    fake.proxyErrorNext(1, 503);
    expect(await connectorFailureOf(erp.getStock(['SKU-1']))).to.include({
      code: 'VENDOR_UNAVAILABLE',
      retryable: true,
      status: 503,
    });
    const url = fake.url;
    await fake.close();
    // Still an allowed destination (as an operator's entry would make it); nothing listens there now.
    const release = allowEgressTo(new URL(url).host);
    try {
      const dead = await connectorFailureOf(
        connectorFor({ url, db: fake.db, login: fake.login, apiKey: fake.apiKey }).healthCheck(),
      );
      expect(dead).to.include({ code: 'NETWORK', retryable: true });
    } finally {
      release();
    }
    fake = await OdooFake.start();
  });

  it('when an input is invalid, then INVALID_REQUEST before anything is sent', async () => {
    const before = fake.calls.length;
    expect(
      (await connectorFailureOf(erp.upsertCustomer({ email: 'nope', name: 'X' }, { idempotencyKey: key('c') }))).code,
    ).to.equal('INVALID_REQUEST');
    expect(
      (
        await connectorFailureOf(
          erp.createSalesOrder(
            { externalReference: 'R', customerId: '1', currency: 'eur', lines: [] },
            { idempotencyKey: key('s') },
          ),
        )
      ).code,
    ).to.equal('INVALID_REQUEST');
    expect((await connectorFailureOf(erp.cancelSalesOrder('1', { idempotencyKey: '' }))).code).to.equal(
      'INVALID_REQUEST',
    );
    expect(
      (await connectorFailureOf(erp.listInvoices({ from: '2025-03-02T00:00:00Z', to: '2025-03-01T00:00:00Z' }, null)))
        .code,
    ).to.equal('INVALID_REQUEST');
    expect(fake.calls.length).to.equal(before);
  });

  it('the fake answers a malformed JSON-RPC envelope with HTTP 400 and Odoo’s error body', async () => {
    const response = await fetch(`${fake.url}/jsonrpc`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'execute', params: {}, id: 1 }),
    });
    expect(response.status).to.equal(400);
    expect(await response.json()).to.deep.nested.include({
      'error.message': 'Odoo Server Error',
      'error.data.name': 'werkzeug.exceptions.BadRequest',
    });
  });
});

describe('Odoo amounts: major-unit floats ↔ minor-unit integers', () => {
  it('rounds float noise to the nearest minor unit, by the currency’s digits', () => {
    expect(toMinorUnits(19.99, 'EUR')).to.equal(1999);
    expect(toMinorUnits(0.1 + 0.2, 'EUR')).to.equal(30);
    expect(toMinorUnits(-59.97, 'EUR')).to.equal(-5997);
    expect(toMinorUnits(1234, 'JPY')).to.equal(1234);
    expect(toMinorUnits(1.234, 'KWD')).to.equal(1234);
    expect([
      toMajorUnits(5, 'EUR'),
      toMajorUnits(1999, 'EUR'),
      toMajorUnits(1999, 'JPY'),
      toMajorUnits(1234, 'KWD'),
    ]).to.deep.equal([0.05, 19.99, 1999, 1.234]);
  });
});
