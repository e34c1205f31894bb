import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { createBusinessCentralConnector, type BusinessCentralConnector } from '../../connectors/erp/business-central';
import { ConnectorErrorCode } from '../../connectors/connector-error-codes';
import type { SalesOrderInput } from '../../connectors/spi';
import { connectorFailureOf } from '../support/expect-connector-error';
import { BusinessCentralFake } from '../fakes/business-central-fake';
import { bcError } from '../fakes/business-central-fake-store';
import { FakeOAuthTokenServer } from '../fakes/oauth-token-server';

const credentials = { clientId: 'junction-s2s', clientSecret: 'geheim' };
const companyId = randomUUID();
const write = () => ({ idempotencyKey: randomUUID() });
const reference = () => `order-${randomUUID().slice(0, 8)}`;

describe('Business Central connector against a stateful API v1.0 fake', () => {
  let tokens: FakeOAuthTokenServer;
  let fake: BusinessCentralFake;
  let bc: BusinessCentralConnector;
  let customerId: string;

  const settings = (extra: Record<string, unknown> = {}) => ({
    tenantId: 'contoso.onmicrosoft.com',
    environment: 'production',
    companyId,
    baseUrl: fake.apiRoot,
    tokenUrl: tokens.tokenUrl,
    localCurrency: 'EUR',
    pageSize: 2,
    ...extra,
  });
  const connector = (name: string, extra?: Record<string, unknown>) =>
    createBusinessCentralConnector(name, settings(extra), credentials);
  const order = (lines: SalesOrderInput['lines'], externalReference = reference()): SalesOrderInput => ({
    externalReference,
    customerId,
    currency: 'EUR',
    lines,
  });

  before(async () => {
    tokens = await new FakeOAuthTokenServer({ clients: { [credentials.clientId]: credentials.clientSecret } }).start();
    fake = await new BusinessCentralFake({
      companyId,
      isValidToken: (token) => token !== undefined && tokens.isValid(token),
    }).start();
    fake.store.addItem('tg-11', 40);
    fake.store.addItem('TG-12', -3);
    bc = connector('erp.bc-test');
    customerId = (await bc.upsertCustomer({ email: 'buyer@example.com', name: 'Example Buyer GmbH' }, write())).id;
  });
  after(async () => {
    await fake.close();
    await tokens.close();
  });

  it('when a customer is upserted twice under new keys, then one customer exists, renamed with its etag', async () => {
    const email = `${randomUUID()}@example.org`;
    const first = await bc.upsertCustomer({ email, name: 'Erste GmbH' }, write());
    const etag = fake.store.sets.customers.get(first.id)?.['@odata.etag'];
    const second = await bc.upsertCustomer(
      { email: email.toUpperCase(), name: 'Zweite GmbH', crmContactId: 'c-1' },
      write(),
    );
    expect(second).to.deep.equal({ id: first.id, email, name: 'Zweite GmbH', crmContactId: 'c-1' });
    expect([...fake.store.sets.customers.values()].filter((c) => c.email === email)).to.have.length(1);
    expect(fake.writes('PATCH').at(-1)?.ifMatch).to.equal(etag);
  });

  it('when the customer changed between lookup and update (412), then it is read again and updated once more', async () => {
    const email = `${randomUUID()}@example.org`;
    await bc.upsertCustomer({ email, name: 'Alt GmbH' }, write());
    fake.failNext('PATCH', bcError(412, 'Request_EntityChanged', 'Another user has already changed the record.'));
    const renamed = await bc.upsertCustomer({ email, name: 'Neu GmbH' }, write());
    expect(fake.store.sets.customers.get(renamed.id)?.displayName).to.equal('Neu GmbH');
  });

  it('when stock is asked for, then inventory counts per SKU in any case, never below 0, and 0 for unknown SKUs', async () => {
    expect(await bc.getStock(['TG-11', 'tg-12', 'nope'])).to.deep.equal([
      { sku: 'TG-11', available: 40 },
      { sku: 'tg-12', available: 0 },
      { sku: 'nope', available: 0 },
    ]);
  });

  it('when createSalesOrder is replayed with the same key, then one order with its lines exists', async () => {
    const input = order([
      { sku: 'TG-11', quantity: 2, unitAmount: 1999 },
      { sku: 'tg-12', quantity: 1, unitAmount: 5 },
    ]);
    const options = write();
    const first = await bc.createSalesOrder(input, options);
    const again = await bc.createSalesOrder(input, options);
    expect(again).to.deep.equal(first);
    expect(first).to.deep.include({
      externalReference: input.externalReference,
      status: 'open',
      total: { amount: 4003, currency: 'EUR' },
    });
    const stored = [...fake.store.sets.salesOrders.values()].filter(
      (o) => o.externalDocumentNumber === input.externalReference.toUpperCase(),
    );
    expect(stored).to.have.length(1);
    expect(fake.store.linesOf(first.id).map((l) => [l.sequence, l.quantity, l.unitPrice])).to.deep.equal([
      [10000, 2, 19.99],
      [20000, 1, 0.05],
    ]);
  });

  it('when an attempt failed after the header and first line, then the retry completes that order without duplicating a line', async () => {
    const input = order([
      { sku: 'TG-11', quantity: 1, unitAmount: 100 },
      { sku: 'TG-11', quantity: 3, unitAmount: 100 },
    ]);
    const options = write();
    fake.failNext(
      'POST',
      bcError(503, 'ServiceUnavailable', 'Try again later'),
      (request, body) => request.path.endsWith('salesOrderLines') && body.sequence === 20000,
    );
    const failure = await connectorFailureOf(bc.createSalesOrder(input, options));
    expect(failure).to.include({ code: ConnectorErrorCode.VendorUnavailable, retryable: true });
    const retried = await bc.createSalesOrder(input, options);
    expect(retried.total).to.deep.equal({ amount: 400, currency: 'EUR' });
    expect(fake.store.linesOf(retried.id).map((l) => l.sequence)).to.deep.equal([10000, 20000]);
    expect(
      [...fake.store.sets.salesOrders.values()].filter(
        (o) => o.externalDocumentNumber === input.externalReference.toUpperCase(),
      ),
    ).to.have.length(1);
  });

  it('when a sales order is invoiced, then BC ships and posts it, and a replay returns the same invoice', async () => {
    const created = await bc.createSalesOrder(order([{ sku: 'TG-11', quantity: 3, unitAmount: 1000 }]), write());
    const options = write();
    const invoice = await bc.createInvoice({ salesOrderId: created.id, customerId, total: created.total }, options);
    expect(invoice).to.deep.include({ salesOrderId: created.id, total: { amount: 3000, currency: 'EUR' } });
    expect(invoice.number).to.match(/^PSI\d+$/);
    expect(invoice.issuedAt).to.equal(`${fake.store.workDate}T00:00:00.000Z`);
    expect(
      await bc.createInvoice({ salesOrderId: created.id, customerId, total: created.total }, options),
    ).to.deep.equal(invoice);
    expect(fake.writes('POST').filter((r) => r.path.endsWith('shipAndInvoice'))).to.have.length(1);
    expect(fake.store.sent).to.deep.equal([]);
    const cancel = await connectorFailureOf(bc.cancelSalesOrder(created.id, write()));
    expect(cancel).to.include({ code: ConnectorErrorCode.Conflict, retryable: false });
  });

  it('when a posted invoice is cancelled and the cancel is replayed, then BC posts one corrective credit memo and the replay changes nothing', async () => {
    const created = await bc.createSalesOrder(order([{ sku: 'TG-11', quantity: 2, unitAmount: 1500 }]), write());
    const invoice = await bc.createInvoice({ salesOrderId: created.id, customerId, total: created.total }, write());
    expect(invoice.status).to.equal('open');
    const options = { idempotencyKey: `${randomUUID()}:cancel-invoice` };
    const cancelled = await bc.cancelInvoice(invoice.id, options);
    expect(cancelled).to.deep.equal({ ...invoice, status: 'cancelled' });
    const memos = [...fake.store.sets.salesCreditMemos.values()].filter((memo) => memo.invoiceId === invoice.id);
    expect(memos.map((memo) => [memo.invoiceNumber, memo.totalAmountIncludingTax, memo.status])).to.deep.equal([
      [invoice.number, 35.7, 'Corrective'],
    ]);
    const stored = fake.store.sets.salesInvoices.get(invoice.id)!;
    expect(stored).to.include({ status: 'Canceled', remainingAmount: 0 });
    const etag = stored['@odata.etag'];

    expect(await bc.cancelInvoice(invoice.id, options)).to.deep.equal(cancelled);
    expect(
      fake.writes('POST').filter((r) => r.path === `salesInvoices(${invoice.id})/Microsoft.NAV.cancel`),
    ).to.have.length(1);
    expect(
      [...fake.store.sets.salesCreditMemos.values()].filter((memo) => memo.invoiceId === invoice.id),
    ).to.have.length(1);
    expect(fake.store.sets.salesInvoices.get(invoice.id)?.['@odata.etag']).to.equal(etag);
  });

  it('when the read after a successful cancel fails, then the retried activity finds the invoice Canceled and cancels nothing twice', async () => {
    const posted = fake.store.addPostedInvoice(fake.store.workDate, 20);
    const path = `salesInvoices(${String(posted.id)})`;
    const cancelledAlready = () => fake.writes('POST').some((r) => r.path === `${path}/Microsoft.NAV.cancel`);
    fake.failNext(
      'GET',
      bcError(503, 'ServiceUnavailable', 'Try again later'),
      (request) => request.path === path && cancelledAlready(),
    );
    const options = write();
    const failure = await connectorFailureOf(bc.cancelInvoice(String(posted.id), options));
    expect(failure).to.include({ code: ConnectorErrorCode.VendorUnavailable, retryable: true });
    const retried = await bc.cancelInvoice(String(posted.id), options);
    expect(retried).to.deep.include({
      id: posted.id,
      salesOrderId: '',
      status: 'cancelled',
      total: { amount: 2000, currency: 'EUR' },
    });
    expect(fake.writes('POST').filter((r) => r.path === `${path}/Microsoft.NAV.cancel`)).to.have.length(1);
  });

  it('when a draft invoice is cancelled, then BC refuses it (INVALID_REQUEST with its message) and no credit memo exists', async () => {
    const draft = fake.store.addDraftInvoice(10);
    const failure = await connectorFailureOf(bc.cancelInvoice(String(draft.id), write()));
    expect(failure).to.include({ code: ConnectorErrorCode.InvalidRequest, retryable: false, status: 400 });
    expect(failure.vendorMessage).to.equal(
      'Application_DialogException: The action can be applied to a posted invoice only.',
    );
    expect(fake.store.sets.salesInvoices.get(String(draft.id))?.status).to.equal('Draft');
    expect([...fake.store.sets.salesCreditMemos.values()].filter((memo) => memo.invoiceId === draft.id)).to.have.length(
      0,
    );
  });

  it('when the invoice id is not a BC id or names no invoice, then cancelInvoice fails NOT_FOUND (a non-GUID without a request)', async () => {
    const requests = fake.requests.length;
    expect(await connectorFailureOf(bc.cancelInvoice('INV-42', write()))).to.include({
      code: ConnectorErrorCode.NotFound,
      retryable: false,
    });
    expect(fake.requests.length).to.equal(requests);
    expect(await connectorFailureOf(bc.cancelInvoice(randomUUID(), write()))).to.include({
      code: ConnectorErrorCode.NotFound,
      retryable: false,
      status: 404,
    });
  });

  it('when invoice sending is configured, then the posted invoice is e-mailed from BC', async () => {
    const sending = connector('erp.bc-send', { invoice: { send: true } });
    const created = await sending.createSalesOrder(order([{ sku: 'TG-11', quantity: 1, unitAmount: 500 }]), write());
    const invoice = await sending.createInvoice(
      { salesOrderId: created.id, customerId, total: created.total },
      write(),
    );
    expect(fake.store.sent).to.deep.equal([invoice.id]);
  });

  it('when a sales order is cancelled twice, then it is deleted once and both calls answer cancelled', async () => {
    const created = await bc.createSalesOrder(order([{ sku: 'TG-11', quantity: 1, unitAmount: 100 }]), write());
    const cancelled = await bc.cancelSalesOrder(created.id, write());
    // Read back from BC: the reference as BC stores it (a Code field, upper case).
    expect(cancelled).to.deep.equal({
      ...created,
      externalReference: created.externalReference.toUpperCase(),
      status: 'cancelled',
    });
    expect(fake.store.sets.salesOrders.has(created.id)).to.equal(false);
    expect((await bc.cancelSalesOrder(created.id, write())).status).to.equal('cancelled');
    expect(fake.writes('DELETE').filter((r) => r.path === `salesOrders(${created.id})`)).to.have.length(1);
  });

  it('when invoices span several pages, then listInvoices follows @odata.nextLink through every page of the window', async () => {
    for (const day of ['2031-03-01', '2031-03-02', '2031-03-02', '2031-03-04', '2031-03-05'])
      fake.store.addPostedInvoice(day, 10.5);
    fake.store.addPostedInvoice('2031-03-06', 1); // outside [from, to)
    const window = { from: '2031-03-01T00:00:00Z', to: '2031-03-06T00:00:00Z' };
    const seen = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await bc.listInvoices(window, cursor);
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== null);
    expect(pages).to.equal(3);
    expect(seen.map((i) => i.issuedAt.slice(0, 10))).to.deep.equal([
      '2031-03-01',
      '2031-03-02',
      '2031-03-02',
      '2031-03-04',
      '2031-03-05',
    ]);
    expect(seen.every((i) => i.total.amount === 1050 && i.total.currency === 'EUR' && i.salesOrderId === '')).to.equal(
      true,
    );
    expect(fake.requests.filter((r) => r.query.has('$skiptoken'))).to.have.length(2);
  });

  it('when a cursor names another company or entity, then it is refused before any request', async () => {
    const forged = Buffer.from(JSON.stringify({ next: `companies(${randomUUID()})/customers?$top=1` })).toString(
      'base64url',
    );
    const failure = await connectorFailureOf(
      bc.listInvoices({ from: '2031-01-01T00:00:00Z', to: '2031-02-01T00:00:00Z' }, forged),
    );
    expect(failure).to.include({ code: ConnectorErrorCode.InvalidRequest, retryable: false });
  });

  it("when BC answers 400 with an error body, then the failure is INVALID_REQUEST, not retryable, with BC's message", async () => {
    const blocked = await bc.upsertCustomer({ email: `${randomUUID()}@blocked.example`, name: 'Blocked AG' }, write());
    fake.store.sets.customers.get(blocked.id)!.blocked = 'All';
    const failure = await connectorFailureOf(
      bc.createSalesOrder(
        { ...order([{ sku: 'TG-11', quantity: 1, unitAmount: 1 }]), customerId: blocked.id },
        write(),
      ),
    );
    expect(failure).to.include({ code: ConnectorErrorCode.InvalidRequest, retryable: false, status: 400 });
    expect(failure.vendorMessage).to.match(/^Application_DialogException: .*is blocked with type All/);
  });

  it('when BC rejects an expired token with 401, then a new token is fetched and the call succeeds', async () => {
    const issued = tokens.issued.length;
    tokens.revokeAccessTokens();
    await bc.healthCheck();
    expect(tokens.issued.length).to.equal(issued + 1);
    expect(fake.requests.at(-1)?.path).to.equal('customers');
  });

  it('when purchase orders are asked for, then the connector says UNSUPPORTED', async () => {
    expect(bc.unsupported).to.deep.equal(['createPurchaseOrder']);
    const failure = await connectorFailureOf(
      bc.createPurchaseOrder(
        {
          externalReference: 'po-1',
          supplier: 'V1',
          currency: 'EUR',
          lines: [{ sku: 'TG-11', quantity: 1, unitAmount: 1 }],
        },
        write(),
      ),
    );
    expect(failure).to.include({ code: ConnectorErrorCode.Unsupported, retryable: false });
  });

  it('when a token is about to expire, then it is renewed before the next call without a 401', async () => {
    const shortLived = await new FakeOAuthTokenServer({
      clients: { [credentials.clientId]: credentials.clientSecret },
      expiresInSeconds: 1,
    }).start();
    const check = await new BusinessCentralFake({
      companyId,
      isValidToken: (token) => token !== undefined && shortLived.isValid(token),
    }).start();
    try {
      const quick = createBusinessCentralConnector(
        'erp.bc-short',
        { ...settings(), baseUrl: check.apiRoot, tokenUrl: shortLived.tokenUrl },
        credentials,
      );
      await quick.healthCheck();
      await new Promise((resolve) => setTimeout(resolve, 600));
      await quick.healthCheck();
      expect(shortLived.issued).to.have.length(2);
      expect(check.requests).to.have.length(2);
    } finally {
      await check.close();
      await shortLived.close();
    }
  });
});
