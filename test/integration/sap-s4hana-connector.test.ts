import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { loadConfig } from '../../config';
import { createSapS4hanaConnector, SapS4hanaConnector, sapS4hanaVendor } from '../../connectors/erp/sap-s4hana';
import { ConnectorRegistry, type RegistryDeps } from '../../connectors/registry';
import type { SalesOrderInput } from '../../connectors/spi';
import { connectorFailureOf } from '../support/expect-connector-error';
import { odataError, SapODataFake } from '../fakes/sap-odata-fake';

const credentials = { password: 'geheim' };
const write = () => ({ idempotencyKey: randomUUID() });
const csrfRequired = { status: 403, text: 'CSRF token validation failed', headers: { 'x-csrf-token': 'Required' } };

describe('SAP S/4HANA connector against a stateful OData fake', () => {
  let fake: SapODataFake;
  let sap: SapS4hanaConnector;
  let customerId: string;

  const settings = () => ({
    baseUrl: fake.url,
    client: '100',
    username: 'JUNCTION_COMM',
    pageSize: 2,
    salesOrder: { salesOrganization: '1010', distributionChannel: '10', division: '00' },
    customer: { country: 'DE' },
  });
  const order = (
    lines: SalesOrderInput['lines'],
    externalReference = `order-${randomUUID().slice(0, 18)}`,
  ): SalesOrderInput => ({ externalReference, customerId, currency: 'EUR', lines });

  /** As activities get it: through the registry, settings and credentials checked by the vendor's schemas. */
  const registryWith = (instanceSettings: Record<string, unknown>) => {
    // The SAP factory uses no database models; the registry reads the configuration (REDIS_URL).
    const registry = new ConnectorRegistry({
      config: loadConfig({ LOG_LEVEL: 'error' }, false),
    } as RegistryDeps).registerVendor(sapS4hanaVendor);
    return registry.defineInstance('erp.sap-test', {
      kind: 'erp',
      vendor: 'sap-s4hana',
      settings: instanceSettings,
      credentials: () => credentials,
    });
  };

  before(async () => {
    fake = await new SapODataFake({ username: 'JUNCTION_COMM', password: credentials.password, client: '100' }).start();
    const resolved = registryWith(settings()).resolve('erp', 'erp.sap-test');
    expect(resolved).to.be.instanceOf(SapS4hanaConnector);
    sap = resolved as SapS4hanaConnector;
    customerId = (await sap.upsertCustomer({ email: 'buyer@example.com', name: 'Example Buyer GmbH' }, write())).id;
  });
  after(async () => fake.close());

  it('when a customer is upserted twice under new keys, then one business partner exists and is renamed', async () => {
    const email = `${randomUUID()}@example.org`;
    const first = await sap.upsertCustomer({ email, name: 'Erste GmbH' }, write());
    const second = await sap.upsertCustomer(
      { email: email.toUpperCase(), name: 'Zweite GmbH', crmContactId: 'c-1' },
      write(),
    );
    expect(second).to.deep.equal({ id: first.id, email, name: 'Zweite GmbH', crmContactId: 'c-1' });
    const partner = fake.store.partners.get(first.id);
    expect(partner).to.include({ OrganizationBPName1: 'Zweite GmbH', EmailAddress: email });
    expect(partner?.BusinessPartnerIDByExtSystem).to.match(/^JN[A-Z2-7]{18}$/);
    expect(partner?.Roles).to.deep.equal(['FLCU00', 'FLCU01']);
  });

  it('when several writes go to one service, then its CSRF token is fetched once and sent with each', async () => {
    const fresh = createSapS4hanaConnector('erp.sap-fresh', settings(), credentials);
    const fetchesBefore = fake.csrfFetches;
    const postsBefore = fake.writes('POST').length;
    await fresh.createSalesOrder(order([{ sku: 'TG11', quantity: 1, unitAmount: 100 }]), write());
    await fresh.createSalesOrder(order([{ sku: 'TG11', quantity: 2, unitAmount: 100 }]), write());
    expect(fresh.services.salesOrder.csrfFetches).to.equal(1);
    expect(fake.csrfFetches - fetchesBefore).to.equal(1);
    const tokens = fake
      .writes('POST')
      .slice(postsBefore)
      .map((r) => r.csrfToken);
    expect(tokens).to.have.length(2);
    expect(tokens[0]).to.be.a('string').and.not.equal('Fetch');
    expect(tokens[1]).to.equal(tokens[0]);
  });

  it('when SAP ends the session, then the 403 "x-csrf-token: Required" write is sent once more with a new token', async () => {
    await sap.createSalesOrder(order([{ sku: 'TG11', quantity: 1, unitAmount: 100 }]), write());
    fake.expireSessions();
    const postsBefore = fake.writes('POST').length;
    const fetchesBefore = fake.csrfFetches;
    const created = await sap.createSalesOrder(order([{ sku: 'TG12', quantity: 1, unitAmount: 100 }]), write());
    expect(fake.store.orders.has(created.id)).to.equal(true);
    expect(fake.writes('POST').length - postsBefore).to.equal(2);
    expect(fake.csrfFetches - fetchesBefore).to.equal(1);
  });

  it('when SAP rejects the new token too, then the write fails FORBIDDEN after one retry', async () => {
    fake.failNext('POST', csrfRequired);
    fake.failNext('POST', csrfRequired);
    const postsBefore = fake.writes('POST').length;
    const failure = await connectorFailureOf(
      sap.createSalesOrder(order([{ sku: 'TG11', quantity: 1, unitAmount: 100 }]), write()),
    );
    expect(failure).to.include({ code: 'FORBIDDEN', retryable: false, status: 403 });
    expect(fake.writes('POST').length - postsBefore).to.equal(2);
  });

  it('when a 403 is a missing authorisation, then it is not retried and SAP says why', async () => {
    fake.failNext('POST', odataError(403, '/IWBEP/CM_MGW_RT/005', 'No authorization to create sales orders'));
    const postsBefore = fake.writes('POST').length;
    const failure = await connectorFailureOf(
      sap.createSalesOrder(order([{ sku: 'TG11', quantity: 1, unitAmount: 100 }]), write()),
    );
    expect(failure).to.include({ code: 'FORBIDDEN', vendorMessage: 'No authorization to create sales orders' });
    expect(fake.writes('POST').length - postsBefore).to.equal(1);
  });

  it('when the same sales order is created twice, then SAP holds one, found by its customer reference', async () => {
    const input = order([{ sku: 'TG11', quantity: 1, unitAmount: 250 }], `order-${randomUUID()}-with-a-long-suffix`);
    const postsBefore = fake.writes('POST').length;
    const first = await sap.createSalesOrder(input, write());
    const again = await sap.createSalesOrder(input, write());
    expect(again).to.deep.equal(first);
    expect(first.externalReference).to.equal(input.externalReference);
    expect(fake.writes('POST').length - postsBefore).to.equal(1);
    expect(fake.store.orders.get(first.id)?.PurchaseOrderByCustomer).to.have.length(35);
  });

  it('when lines carry cents, then SAP receives exact decimal prices and the total is its net value in minor units', async () => {
    const created = await sap.createSalesOrder(
      order([
        { sku: 'TG11', quantity: 3, unitAmount: 1999 },
        { sku: 'TG12', quantity: 7, unitAmount: 1 },
      ]),
      write(),
    );
    expect(created).to.include({ status: 'open' });
    expect(created.total).to.deep.equal({ amount: 3 * 1999 + 7, currency: 'EUR' });
  });

  it('when the sold-to party is unknown, then a 400 becomes INVALID_REQUEST, non-retryable, with the OData message', async () => {
    const failure = await connectorFailureOf(
      sap.createSalesOrder(
        { ...order([{ sku: 'TG11', quantity: 1, unitAmount: 100 }]), customerId: '9999999' },
        write(),
      ),
    );
    expect(failure).to.include({
      code: 'INVALID_REQUEST',
      retryable: false,
      status: 400,
      vendorMessage: 'Sold-to party 9999999 not defined for sales area 1010/10/00',
    });
  });

  it('when an order is cancelled, then every item is rejected with the reason, across pages, and a second cancel changes nothing', async () => {
    const created = await sap.createSalesOrder(
      order(['A', 'B', 'C'].map((sku) => ({ sku, quantity: 1, unitAmount: 100 }))),
      write(),
    );
    const cancelled = await sap.cancelSalesOrder(created.id, write());
    expect(cancelled).to.deep.equal({ ...created, status: 'cancelled' });
    expect(fake.store.orders.get(created.id)?.items.map((item) => item.SalesDocumentRjcnReason)).to.deep.equal([
      '10',
      '10',
      '10',
    ]);
    const patchesBefore = fake.writes('PATCH').length;
    expect(await sap.cancelSalesOrder(created.id, write())).to.include({ status: 'cancelled' });
    expect(fake.writes('PATCH').length).to.equal(patchesBefore);
  });

  it('when the order to cancel does not exist, then NOT_FOUND', async () => {
    expect(await connectorFailureOf(sap.cancelSalesOrder('404404', write()))).to.include({
      code: 'NOT_FOUND',
      retryable: false,
    });
  });

  it('when stock spans plants, storage locations and pages, then unrestricted normal stock is summed exactly per SKU', async () => {
    const row = (Material: string, qty: string, more: Record<string, string> = {}) => ({
      ...{ Material, Plant: '1010', StorageLocation: '101A', InventoryStockType: '01', InventorySpecialStockType: '' },
      ...{ MatlWrhsStkQtyInMatlBaseUnit: qty, ...more },
    });
    fake.store.stock.push(
      row('MZ-1', '10.5'),
      row('MZ-1', '2.5', { Plant: '1710' }),
      row('MZ-1', '1', { StorageLocation: '101B' }),
      row('MZ-1', '99', { InventoryStockType: '07' }),
    );
    fake.store.stock.push(
      row('MZ-1', '50', { InventorySpecialStockType: 'K' }),
      row('MZ-2', '0.999'),
      row("O'NEIL", '4'),
    );
    const getsBefore = fake.requests.filter((r) => r.path === 'A_MatlStkInAcctMod').length;
    const levels = await sap.getStock(['MZ-1', 'MZ-2', "O'NEIL", 'NONE']);
    expect(levels).to.deep.equal([
      { sku: 'MZ-1', available: 14 },
      { sku: 'MZ-2', available: 0 },
      { sku: "O'NEIL", available: 4 },
      { sku: 'NONE', available: 0 },
    ]);
    // 6 rows match the $filter; $top=2 → pages of 2, 2, 2 and an empty one.
    expect(fake.requests.filter((r) => r.path === 'A_MatlStkInAcctMod').length - getsBefore).to.equal(4);
  });

  it('when SAP pages on the server with __next links on its internal host, then they are followed on the configured URL', async () => {
    fake.store.serverPageSize = 1;
    try {
      fake.store.stock.push(
        ...['1', '2', '3'].map((qty) => ({
          Material: 'NX-1',
          Plant: '1010',
          InventoryStockType: '01',
          InventorySpecialStockType: '',
          MatlWrhsStkQtyInMatlBaseUnit: qty,
        })),
      );
      expect(await sap.getStock(['NX-1'])).to.deep.equal([{ sku: 'NX-1', available: 6 }]);
      expect(fake.requests.some((r) => r.query.has('$skiptoken') && r.query.get('sap-client') === '100')).to.equal(
        true,
      );
    } finally {
      fake.store.serverPageSize = undefined;
    }
  });

  it('when the password is wrong, then UNAUTHORIZED, non-retryable', async () => {
    const wrong = createSapS4hanaConnector('erp.sap-wrong', settings(), { password: 'falsch' });
    expect(await connectorFailureOf(wrong.healthCheck())).to.include({ code: 'UNAUTHORIZED', retryable: false });
    await sap.healthCheck();
  });

  it('when invoices or purchase orders are asked for, then UNSUPPORTED, non-retryable, as declared', async () => {
    expect(sap.unsupported).to.have.members(['createInvoice', 'cancelInvoice', 'listInvoices', 'createPurchaseOrder']);
    expect(await connectorFailureOf(sap.createInvoice())).to.include({ code: 'UNSUPPORTED', retryable: false });
    expect(await connectorFailureOf(sap.cancelInvoice())).to.include({ code: 'UNSUPPORTED', retryable: false });
    expect(await connectorFailureOf(sap.listInvoices())).to.include({ code: 'UNSUPPORTED', retryable: false });
    expect(await connectorFailureOf(sap.createPurchaseOrder())).to.include({ code: 'UNSUPPORTED', retryable: false });
  });

  it('when settings lack the sales area or misspell a field, then CONNECTOR_MISCONFIGURED names them, never the password', async () => {
    const { salesOrder: _omitted, ...incomplete } = settings();
    const failure = await connectorFailureOf(
      Promise.resolve().then(() => registryWith({ ...incomplete, baseURL: fake.url }).resolve('erp', 'erp.sap-test')),
    );
    expect(failure).to.include({ code: 'CONNECTOR_MISCONFIGURED', retryable: false });
    expect(failure.message)
      .to.contain('settings.salesOrder')
      .and.contain('settings.baseURL')
      .and.not.contain(credentials.password);
  });
});
