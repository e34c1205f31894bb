/**
 * The Business Central connector against Prism serving BCOAS1.0.yaml with validation on: every
 * request the connector makes must be one the spec describes (no `sl-violations`), and every
 * answer Prism builds from the spec must pass the connector's zod schemas.
 *
 * Prism answers every collection with one example record, so a lookup-before-write always
 * "finds" something. To drive the create branches, a test may steer one answer: the request
 * still reaches Prism and is validated; only the data handed back to the connector is replaced.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { createHttpClient, type HttpClient, type HttpClientOptions, type HttpRequest } from '../../connectors/http';
import { createBusinessCentralConnector, type BusinessCentralConnector } from '../../connectors/erp/business-central';
import { ConnectorError } from '../../connectors/connector-error';
import { ConnectorErrorCode } from '../../connectors/connector-error-codes';
import { connectorFailureOf } from '../support/expect-connector-error';
import { getPrismMock, prismViolations, type PrismMock, type PrismViolation } from '../support/prism-mock';
import { FakeOAuthTokenServer } from '../fakes/oauth-token-server';

interface Exchange {
  method: string;
  path: string;
  status: number;
  violations: PrismViolation[];
}
type Steer = { when: (request: HttpRequest) => boolean; data: (original: unknown) => unknown };

const SPEC = 'business-central/BCOAS1.0.yaml';
const credentials = { clientId: 'junction-s2s', clientSecret: 'geheim' };
const companyId = randomUUID();
const write = () => ({ idempotencyKey: randomUUID() });
const isGet = (entitySet: string) => (r: HttpRequest) =>
  r.method === 'GET' && r.url.split('?')[0] === `companies(${companyId})/${entitySet}`;

describe('Business Central connector against the BC API v1.0 spec (Prism)', function () {
  this.timeout(120_000);
  let prism: PrismMock;
  let tokens: FakeOAuthTokenServer;
  let bc: BusinessCentralConnector;
  const exchanges: Exchange[] = [];
  const steers: Steer[] = [];

  /** The shared HTTP client, recording each answer's violations and applying one-shot steers. */
  function recording(options: HttpClientOptions): HttpClient {
    const inner = createHttpClient(options);
    const request = async <T>(req: HttpRequest) => {
      const path = req.url.split('?')[0] ?? '';
      try {
        const response = await inner.request<T>(req);
        exchanges.push({
          method: req.method,
          path,
          status: response.status,
          violations: prismViolations(response.headers),
        });
        const steer = steers.findIndex((s) => s.when(req));
        return steer < 0 ? response : { ...response, data: steers.splice(steer, 1)[0]!.data(response.data) as T };
      } catch (error) {
        exchanges.push({
          method: req.method,
          path,
          status: error instanceof ConnectorError ? (error.status ?? 0) : 0,
          violations: [],
        });
        throw error;
      }
    };
    const call = <T>(method: HttpRequest['method'], url: string, data?: unknown, opts?: object) =>
      request<T>({ ...opts, method, url, data }).then((r) => r.data);
    return {
      connector: inner.connector,
      request,
      get: (url, opts) => call('GET', url, undefined, opts),
      post: (url, data, opts) => call('POST', url, data, opts),
      put: (url, data, opts) => call('PUT', url, data, opts),
      patch: (url, data, opts) => call('PATCH', url, data, opts),
      delete: (url, opts) => call('DELETE', url, undefined, opts),
      close: () => inner.close(),
    };
  }
  const steerEmpty = (entitySet: string) => steers.push({ when: isGet(entitySet), data: () => ({ value: [] }) });
  const calls = () => exchanges.map((e) => `${e.method} ${e.path.replace(`companies(${companyId})`, '~')}`);

  before(async () => {
    prism = await getPrismMock(SPEC);
    tokens = await new FakeOAuthTokenServer({ clients: { [credentials.clientId]: credentials.clientSecret } }).start();
    const settings = {
      tenantId: 'contoso.onmicrosoft.com',
      environment: 'sandbox',
      companyId,
      baseUrl: prism.url,
      tokenUrl: tokens.tokenUrl,
      localCurrency: 'EUR',
      invoice: { send: true },
    };
    bc = createBusinessCentralConnector('erp.bc-contract', settings, credentials, { httpClientFor: recording });
  });
  after(async () => {
    await bc.close();
    await tokens.close();
  });
  beforeEach(() => {
    exchanges.length = 0;
    steers.length = 0;
  });
  afterEach(function () {
    if (this.currentTest?.state !== 'passed') return;
    expect(exchanges, 'requests made').to.not.be.empty;
    for (const exchange of exchanges)
      expect(exchange.violations, `${exchange.method} ${exchange.path}`).to.deep.equal([]);
    expect(
      exchanges.every((e) => e.status >= 200 && e.status < 300),
      calls().join(', '),
    ).to.equal(true);
  });

  it('healthCheck reads one customer id of the company', async () => {
    await bc.healthCheck();
    expect(calls()).to.deep.equal(['GET ~/customers']);
  });

  it('upsertCustomer renames a customer found by e-mail (PATCH with If-Match)', async () => {
    const customer = await bc.upsertCustomer({ email: 'buyer@example.com', name: 'Example Buyer GmbH' }, write());
    expect(customer.id).to.match(/^[0-9a-f-]{36}$/);
    expect(calls()).to.deep.equal(['GET ~/customers', `PATCH ~/customers(${customer.id})`]);
  });

  it('upsertCustomer creates a customer nobody has', async () => {
    steerEmpty('customers');
    await bc.upsertCustomer({ email: 'new@example.com', name: 'New Buyer' }, write());
    expect(calls()).to.deep.equal(['GET ~/customers', 'POST ~/customers']);
  });

  it('getStock reads items by number with their inventory', async () => {
    // Prism's example item is numbered "string".
    expect(await bc.getStock(['string', 'other'])).to.deep.equal([
      { sku: 'string', available: 0 },
      { sku: 'other', available: 0 },
    ]);
    expect(calls()).to.deep.equal(['GET ~/items']);
  });

  it('createSalesOrder creates the header, then its lines, then reads the totals', async () => {
    steerEmpty('salesOrders');
    const order = await bc.createSalesOrder(
      {
        externalReference: 'order-4711',
        customerId: randomUUID(),
        currency: 'USD',
        lines: [{ sku: 'string', quantity: 2, unitAmount: 1999 }],
      },
      write(),
    );
    expect(order).to.include({ externalReference: 'order-4711', status: 'open' });
    expect(calls()).to.deep.equal([
      'GET ~/salesOrders',
      'GET ~/items',
      'POST ~/salesOrders',
      `POST ~/salesOrders(${order.id})/salesOrderLines`,
      `GET ~/salesOrders(${order.id})`,
    ]);
  });

  it('createSalesOrder completes an order found by its external document number', async () => {
    const order = await bc.createSalesOrder(
      {
        externalReference: 'order-4711',
        customerId: randomUUID(),
        currency: 'EUR',
        lines: [{ sku: 'string', quantity: 1, unitAmount: 5 }],
      },
      write(),
    );
    expect(calls()).to.deep.equal([
      'GET ~/salesOrders',
      `GET ~/salesOrders(${order.id})/salesOrderLines`,
      'GET ~/items',
      `POST ~/salesOrders(${order.id})/salesOrderLines`,
      `GET ~/salesOrders(${order.id})`,
    ]);
  });

  it('cancelSalesOrder deletes the unposted order', async () => {
    const id = randomUUID();
    expect((await bc.cancelSalesOrder(id, write())).status).to.equal('cancelled');
    expect(calls()).to.deep.equal([`GET ~/salesOrders(${id})`, `DELETE ~/salesOrders(${id})`]);
  });

  it('createInvoice ships and invoices the order, reads the posted invoice and sends it', async () => {
    const salesOrderId = randomUUID();
    const example = (await (
      await fetch(`${prism.url}/companies(${companyId})/salesOrders(${salesOrderId})`, {
        headers: { authorization: 'Bearer t' },
      })
    ).json()) as { customerId: string };
    steerEmpty('salesInvoices');
    const invoice = await bc.createInvoice(
      { salesOrderId, customerId: example.customerId, total: { amount: 0, currency: 'EUR' } },
      write(),
    );
    expect(invoice.issuedAt).to.match(/^\d{4}-\d{2}-\d{2}T/);
    expect(calls()).to.deep.equal([
      'GET ~/salesInvoices',
      `GET ~/salesOrders(${salesOrderId})`,
      `POST ~/salesOrders(${salesOrderId})/Microsoft.NAV.shipAndInvoice`,
      'GET ~/salesInvoices',
      `POST ~/salesInvoices(${invoice.id})/Microsoft.NAV.send`,
    ]);
  });

  it('cancelInvoice reads the invoice, performs Microsoft.NAV.cancel on it and reads it back Canceled', async () => {
    const id = randomUUID();
    const path = `companies(${companyId})/salesInvoices(${id})`;
    const cancelPosted = () => exchanges.some((e) => e.method === 'POST' && e.path === `${path}/Microsoft.NAV.cancel`);
    // Prism's example status is "string" (open); after the action BC reads back Canceled.
    steers.push({
      when: (r) => r.method === 'GET' && r.url.split('?')[0] === path && cancelPosted(),
      data: (invoice) => ({ ...(invoice as object), status: 'Canceled' }),
    });
    const invoice = await bc.cancelInvoice(id, { idempotencyKey: `${randomUUID()}:cancel-invoice` });
    expect(invoice.status).to.equal('cancelled');
    expect(calls()).to.deep.equal([
      `GET ~/salesInvoices(${id})`,
      `POST ~/salesInvoices(${id})/Microsoft.NAV.cancel`,
      `GET ~/salesInvoices(${id})`,
    ]);
  });

  it('cancelInvoice of an invoice BC shows Canceled already only reads it', async () => {
    const id = randomUUID();
    steers.push({
      when: (r) => r.method === 'GET' && r.url.split('?')[0] === `companies(${companyId})/salesInvoices(${id})`,
      data: (invoice) => ({ ...(invoice as object), status: 'Canceled' }),
    });
    expect((await bc.cancelInvoice(id, write())).status).to.equal('cancelled');
    expect(calls()).to.deep.equal([`GET ~/salesInvoices(${id})`]);
  });

  it('listInvoices filters by invoice date and follows @odata.nextLink', async () => {
    // Prism never pages: the first answer is steered to carry a next link, which is then followed.
    steers.push({
      when: isGet('salesInvoices'),
      data: (page) => ({
        ...(page as object),
        '@odata.nextLink': `https://api.businesscentral.dynamics.com/v2.0/t/sandbox/api/v1.0/companies(${companyId})/salesInvoices?$filter=status%20ne%20'Draft'&$skiptoken=x`,
      }),
    });
    const window = { from: '2024-05-01T00:00:00Z', to: '2024-06-01T00:00:00Z' };
    const first = await bc.listInvoices(window, null);
    expect(first.items).to.have.length(1);
    expect(first.nextCursor).to.be.a('string');
    const second = await bc.listInvoices(window, first.nextCursor);
    expect(second.nextCursor).to.equal(null);
    expect(calls()).to.deep.equal(['GET ~/salesInvoices', 'GET ~/salesInvoices']);
  });

  it('createPurchaseOrder is UNSUPPORTED: v1.0 has no purchaseOrders entity', async () => {
    const failure = await connectorFailureOf(
      bc.createPurchaseOrder(
        {
          externalReference: 'po-1',
          supplier: 'V1',
          currency: 'EUR',
          lines: [{ sku: 'x', quantity: 1, unitAmount: 1 }],
        },
        write(),
      ),
    );
    expect(failure.code).to.equal(ConnectorErrorCode.Unsupported);
    await bc.healthCheck(); // (every test must talk to Prism)
  });

  it('a request the spec forbids is rejected with 4xx and its violations (validation is on)', async () => {
    // PATCH without the If-Match header the spec requires. With --errors and no error response in
    // this spec, Prism answers 422 and lists the violations in the problem body, not the header.
    const response = await fetch(`${prism.url}/companies(${companyId})/customers(${randomUUID()})`, {
      method: 'PATCH',
      headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
      body: JSON.stringify({ displayName: 42 }),
    });
    expect(response.status).to.be.within(400, 499);
    const body = (await response.json()) as { validation?: PrismViolation[] };
    const violations = [...prismViolations(response.headers), ...(body.validation ?? [])];
    expect(violations.map((v) => v.message).join('; '))
      .to.match(/if-match/)
      .and.match(/displayName/);
    await bc.healthCheck(); // (every test must talk to Prism)
  });
});
