/**
 * The SAP S/4HANA connector against SAP's own specs, each served by a validating Prism mock on
 * its own port (the specs' base paths are not served, so each service URL is the mock's root).
 * Every request the connector sends goes through Prism, and every answer must carry an empty
 * `sl-violations` header.
 *
 * Prism answers with the specs' examples, so lookups always "find" something. To drive the
 * create branches, a test empties a lookup's result *after* Prism validated the request and
 * its answer.
 *
 * What the specs say (and do not):
 * - No `x-csrf-token` header and no cookies anywhere: Prism hands out no token, so writes go
 *   without one (the connector tolerates a system that sends none). The token fetch is a GET the
 *   spec describes (`<EntitySet>?$top=0`), since the service document `/` is not in the specs.
 * - Create schemas require the entity key (`SalesOrder`, `BusinessPartner`, `SalesOrderItem`):
 *   the connector sends `''`, SAP's request for internal numbering.
 * - Navigation properties (`to_Item`, `to_PricingElement`, `to_BusinessPartnerAddress`, …) are
 *   absent from the create schemas (pruned, or never generated); deep inserts pass unvalidated.
 * - Updates (PATCH) wrap the body in `d`; creates do not. Errors are `{ error: { code,
 *   message: { lang, value } } }`; `__count` is a string; `__next` and `__metadata` (etags) are
 *   not described, so etags fall back to `If-Match: *`.
 * - Sales order and stock specs demand basic or OAuth2 auth (Prism answers 401 without);
 *   API_BUSINESS_PARTNER declares no security.
 * - A_MatlStkInAcctMod's static example recurses through navigation properties and fails
 *   Prism's own response validation (500): stock requests ask for `Prefer: dynamic=true`.
 */
import { expect } from 'chai';
import { createSapS4hanaConnector, type SapS4hanaConnector, type SapService } from '../../connectors/erp/sap-s4hana';
import type { SalesOrderInput } from '../../connectors/spi';
import { connectorFailureOf } from '../support/expect-connector-error';
import { getPrismMock, prismViolations } from '../support/prism-mock';
import { emptied, isLookup, operationOf, sapPrismRecorder, type Exchange, type Rewrite } from './sap-prism-recorder';

const SPECS: Record<SapService, string> = {
  businessPartner: 'sap/API_BUSINESS_PARTNER.openapi3.json',
  salesOrder: 'sap/API_SALES_ORDER_SRV.openapi3.json',
  materialStock: 'sap/API_MATERIAL_STOCK_SRV.openapi3.json',
};

describe('SAP S/4HANA connector against the SAP specs (Prism)', function () {
  this.timeout(180_000);
  const { state, factory } = sapPrismRecorder();
  const operations = new Set<string>();
  let passed = 0;
  let sap: SapS4hanaConnector;
  let urls: Record<SapService, string>;
  const order: SalesOrderInput = {
    externalReference: 'order-4711',
    customerId: '17100001',
    currency: 'EUR',
    lines: [{ sku: 'TG11', quantity: 2, unitAmount: 1234 }],
  };
  const write = { idempotencyKey: 'contract-test' };
  const rewriteWhen = (match: (e: Exchange) => boolean, rewrite: Rewrite) => {
    state.rewrite = (e, response) => (match(e) ? rewrite(e, response) : response);
  };

  before(async () => {
    const [businessPartner, salesOrder, materialStock] = await Promise.all([
      getPrismMock(SPECS.businessPartner),
      getPrismMock(SPECS.salesOrder),
      getPrismMock(SPECS.materialStock),
    ]);
    urls = { businessPartner: businessPartner.url, salesOrder: salesOrder.url, materialStock: materialStock.url };
    const settings = {
      baseUrl: 'https://s4.invalid',
      serviceUrls: urls,
      client: '100',
      username: 'JUNCTION_COMM',
      salesOrder: { salesOrganization: '1010', distributionChannel: '10', division: '00' },
      customer: { country: 'DE' },
    };
    sap = createSapS4hanaConnector('erp.sap-contract', settings, { password: 'secret' }, { httpClientFor: factory });
  });

  beforeEach(() => {
    state.exchanges.length = 0;
    state.rewrite = undefined;
  });

  afterEach(function () {
    for (const exchange of state.exchanges) operations.add(operationOf(exchange));
    if (this.currentTest?.state !== 'passed') return;
    const violated = state.exchanges.filter(
      (e) => e.status === undefined || e.status >= 400 || e.violations.length > 0,
    );
    expect(violated, 'every answer 2xx with an empty sl-violations header').to.deep.equal([]);
    passed += 1;
  });

  it('passes its health check: one GET ?$top=0 per service', async () => {
    await sap.healthCheck();
    expect(state.exchanges.map((e) => `${e.service} ${e.url}`)).to.have.members([
      'businessPartner A_BusinessPartner?sap-client=100&$top=0',
      'salesOrder A_SalesOrder?sap-client=100&$top=0',
      'materialStock A_MatlStkInAcctMod?sap-client=100&$top=0',
    ]);
  });

  it('upserts a customer that exists: lookup by BusinessPartnerIDByExtSystem, CSRF token fetch, PATCH of the name', async () => {
    const customer = await sap.upsertCustomer({ email: 'buyer@example.com', name: 'Example Buyer GmbH' }, write);
    expect(customer)
      .to.include({ email: 'buyer@example.com', name: 'Example Buyer GmbH' })
      .and.have.property('id')
      .that.is.a('string');
    expect(state.exchanges.map(operationOf)).to.deep.equal([
      'GET A_BusinessPartner',
      'GET A_BusinessPartner',
      'PATCH A_BusinessPartner(…)',
    ]);
    expect(state.exchanges.map((e) => e.csrfFetch)).to.deep.equal([false, true, false]);
  });

  it('upserts a new customer with one deep-insert POST', async () => {
    rewriteWhen(isLookup('A_BusinessPartner'), emptied);
    const customer = await sap.upsertCustomer({ email: 'new@example.com', name: 'New Buyer AG' }, write);
    expect(customer.id).to.be.a('string');
    expect(state.exchanges.map(operationOf)).to.include('POST A_BusinessPartner');
  });

  it('returns an existing sales order found by PurchaseOrderByCustomer, without writing', async () => {
    const found = await sap.createSalesOrder(order, write);
    expect(found).to.include({ externalReference: 'order-4711', status: 'open' });
    expect(found.total.amount).to.be.a('number');
    expect(state.exchanges.map((e) => e.method)).to.deep.equal(['GET']);
  });

  it('creates a sales order as one deep insert when the lookup finds none', async () => {
    rewriteWhen(isLookup('A_SalesOrder'), emptied);
    const created = await sap.createSalesOrder(order, write);
    expect(created).to.have.property('id').that.is.a('string');
    expect(state.exchanges.map(operationOf)).to.include('POST A_SalesOrder');
    expect(state.exchanges.some((e) => e.csrfFetch && e.service === 'salesOrder')).to.equal(true);
  });

  it('cancels a sales order: reads header and items, PATCHes each open item with a reason for rejection', async () => {
    // The example item carries a rejection reason already; clear it so the PATCH is exercised.
    rewriteWhen(
      (e) => e.url.includes('/to_Item'),
      (_e, response) => {
        const { d } = response.data as { d: { results: Record<string, unknown>[] } };
        return {
          ...response,
          data: { d: { results: d.results.map((item) => ({ ...item, SalesDocumentRjcnReason: '' })) } },
        };
      },
    );
    const cancelled = await sap.cancelSalesOrder('0000004711', write);
    expect(cancelled.status).to.equal('cancelled');
    expect(state.exchanges.map(operationOf)).to.include.members([
      'GET A_SalesOrder(…)',
      'GET A_SalesOrder(…)/to_Item',
      'PATCH A_SalesOrderItem(…)',
    ]);
  });

  it('reads stock with a $filter per material and stock type', async () => {
    const levels = await sap.getStock(['TG11', 'TG12']);
    expect(levels.map((level) => level.sku)).to.deep.equal(['TG11', 'TG12']);
    expect(levels.every((level) => Number.isInteger(level.available) && level.available >= 0)).to.equal(true);
  });

  it('when Prism rejects what the connector sent (SoldToParty too long), then INVALID_REQUEST, non-retryable', async () => {
    rewriteWhen(isLookup('A_SalesOrder'), emptied);
    const failure = await connectorFailureOf(sap.createSalesOrder({ ...order, customerId: '12345678901' }, write));
    expect(failure).to.include({ code: 'INVALID_REQUEST', retryable: false });
    expect(failure.status).to.be.within(400, 499);
    state.exchanges.length = 0;
  });

  describe('each spec validates at all (caveat 1: a schema that fails to compile validates nothing)', () => {
    const invalid: Record<SapService, { path: string; init: RequestInit }> = {
      businessPartner: {
        path: '/A_BusinessPartner',
        init: { method: 'POST', body: JSON.stringify({ BusinessPartner: 'ELEVENCHARS' }) },
      },
      salesOrder: {
        path: '/A_SalesOrder',
        init: { method: 'POST', body: JSON.stringify({ SoldToParty: '17100001' }) },
      },
      materialStock: { path: '/A_MatlStkInAcctMod?$top=-1', init: { method: 'GET' } },
    };
    for (const service of Object.keys(invalid) as SapService[]) {
      it(`${SPECS[service]} rejects an invalid request with 4xx and sl-violations`, async () => {
        const { path, init } = invalid[service];
        const headers = {
          Authorization: `Basic ${Buffer.from('u:p').toString('base64')}`,
          'Content-Type': 'application/json',
        };
        const response = await fetch(`${urls[service]}${path}`, { ...init, headers });
        expect(response.status).to.be.within(400, 499);
        expect(prismViolations(response.headers)).to.have.length.greaterThan(0);
      });
    }
  });

  after(function () {
    // Only meaningful when the whole suite ran (not under --grep) and passed.
    if (passed < (this.test?.parent?.total() ?? Infinity)) return;
    const expected = [
      ...['GET A_BusinessPartner', 'POST A_BusinessPartner', 'PATCH A_BusinessPartner(…)'],
      ...[
        'GET A_SalesOrder',
        'POST A_SalesOrder',
        'GET A_SalesOrder(…)',
        'GET A_SalesOrder(…)/to_Item',
        'PATCH A_SalesOrderItem(…)',
      ],
      'GET A_MatlStkInAcctMod',
    ];
    expect([...operations], 'every operation the connector uses went through Prism').to.include.members(expected);
  });
});
