import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { OdooErpConnector, odooVendor } from '../../connectors/erp/odoo';
import type { ErpConnector, SalesOrderInput } from '../../connectors/spi';
import { OdooFake } from '../fakes/odoo-fake';
import { connectorFailureOf } from '../support/expect-connector-error';

const key = (step: string) => `odoo-test-${randomBytes(6).toString('hex')}-${step}`;
const ref = () => `ORD-${randomBytes(4).toString('hex')}`;
type Settings = Record<string, unknown>;

function connectorFor(
  fake: Pick<OdooFake, 'url' | 'db' | 'login' | 'apiKey'>,
  settings: Settings = {},
  apiKey = fake.apiKey,
): ErpConnector {
  const instance = {
    name: 'erp.odoo-test',
    settings: { baseUrl: fake.url, db: fake.db, login: fake.login, timeoutMs: 5_000, ...settings },
    credentials: { apiKey },
  };
  return odooVendor.create(instance, {} as Parameters<typeof odooVendor.create>[1]) as ErpConnector;
}

describe('Odoo ERP connector against the Odoo fake (JSON-RPC)', () => {
  let fake: OdooFake;
  let erp: ErpConnector;
  let customerId: string;
  const order = (lines = [{ sku: 'SKU-1', quantity: 3, unitAmount: 1999 }], currency = 'EUR'): SalesOrderInput => ({
    externalReference: ref(),
    customerId,
    currency,
    lines,
  });

  beforeEach(async () => {
    fake = await OdooFake.start();
    erp = connectorFor(fake);
    fake.seedProduct('SKU-1', 50, 5);
    fake.seedProduct('SKU-2', 10);
    customerId = (
      await erp.upsertCustomer({ email: 'buyer@shop.example', name: 'Buyer' }, { idempotencyKey: key('cust') })
    ).id;
  });
  afterEach(() => fake.close());

  it('registers as erp/odoo, implements every ERP operation, and logs in once', async () => {
    expect(erp).to.be.instanceOf(OdooErpConnector);
    expect(erp).to.include({ kind: 'erp', vendor: 'odoo', name: 'erp.odoo-test' });
    expect(erp.unsupported).to.deep.equal([]);
    await erp.healthCheck();
    await erp.getStock(['SKU-1']);
    expect(fake.calls.filter((c) => c === 'common.authenticate')).to.have.length(1);
  });

  it('upserts a customer by email (case-insensitively, exactly), keeping the CRM id in ref; a replay creates nothing new', async () => {
    const partners = fake.count('res.partner');
    const k = key('c');
    const created = await erp.upsertCustomer(
      { email: 'Ada@Shop.example', name: 'Ada', crmContactId: 'hs-1001' },
      { idempotencyKey: k },
    );
    expect(
      await erp.upsertCustomer(
        { email: 'ada@shop.example', name: 'Ada', crmContactId: 'hs-1001' },
        { idempotencyKey: k },
      ),
    ).to.deep.equal(created);
    const renamed = await erp.upsertCustomer(
      { email: 'ADA@shop.example', name: 'Ada Lovelace' },
      { idempotencyKey: key('c2') },
    );
    expect(renamed).to.deep.equal({
      id: created.id,
      email: 'ada@shop.example',
      name: 'Ada Lovelace',
      crmContactId: 'hs-1001',
    });
    expect(fake.count('res.partner')).to.equal(partners + 1);
    fake.seedPartner({ name: 'Wildcard', email: 'a_b@shop.example' });
    const other = await erp.upsertCustomer(
      { email: 'axb@shop.example', name: 'Not a_b' },
      { idempotencyKey: key('c3') },
    );
    expect(fake.orm.table('res.partner').get(Number(other.id))?.email).to.equal('axb@shop.example');
  });

  it('reads stock as on hand minus reserved in internal locations; an unknown SKU has none', async () => {
    expect(await erp.getStock(['SKU-1', 'SKU-2', 'NOPE', 'SKU-1'])).to.deep.equal([
      { sku: 'SKU-1', available: 45 },
      { sku: 'SKU-2', available: 10 },
      { sku: 'NOPE', available: 0 },
    ]);
  });

  it('creates a confirmed sales order with its lines and total in minor units; a replayed reference returns it', async () => {
    const input = order([
      { sku: 'SKU-1', quantity: 3, unitAmount: 1999 },
      { sku: 'SKU-2', quantity: 1, unitAmount: 5 },
    ]);
    const created = await erp.createSalesOrder(input, { idempotencyKey: key('so') });
    expect(created).to.deep.include({
      externalReference: input.externalReference,
      status: 'open',
      total: { amount: 6002, currency: 'EUR' },
    });
    expect(await erp.createSalesOrder(input, { idempotencyKey: key('so-again') })).to.deep.equal(created);
    expect(fake.count('sale.order')).to.equal(1);
    const stored = fake.orm.table('sale.order').get(Number(created.id));
    expect(stored).to.include({ state: 'sale', client_order_ref: input.externalReference });
    const lines = [...fake.orm.table('sale.order.line').values()].map((l) => ({
      qty: l.product_uom_qty,
      price: l.price_unit,
    }));
    expect(lines).to.deep.equal([
      { qty: 3, price: 19.99 },
      { qty: 1, price: 0.05 },
    ]);
    expect((await erp.getStock(['SKU-1']))[0]?.available).to.equal(42);
  });

  it('prices an order in its currency through a pricelist in that currency', async () => {
    expect((await erp.createSalesOrder(order(undefined, 'USD'), { idempotencyKey: key('usd') })).total).to.deep.equal({
      amount: 5997,
      currency: 'USD',
    });
    const error = await connectorFailureOf(
      erp.createSalesOrder(order(undefined, 'GBP'), { idempotencyKey: key('gbp') }),
    );
    expect(error).to.include({ code: 'INVALID_REQUEST', retryable: false });
    expect(error.vendorMessage).to.contain('No pricelist in GBP');
  });

  it('refuses an order for an unknown SKU (INVALID_REQUEST) or customer (NOT_FOUND) without creating it', async () => {
    expect(
      (
        await connectorFailureOf(
          erp.createSalesOrder(order([{ sku: 'GHOST', quantity: 1, unitAmount: 100 }]), { idempotencyKey: key('x') }),
        )
      ).vendorMessage,
    ).to.contain('GHOST');
    expect(
      (await connectorFailureOf(erp.createSalesOrder({ ...order(), customerId: '9999' }, { idempotencyKey: key('y') })))
        .code,
    ).to.equal('NOT_FOUND');
    expect(fake.count('sale.order')).to.equal(0);
  });

  it('cancels an order, giving its stock back; cancelling again changes nothing; an unknown order is NOT_FOUND', async () => {
    const created = await erp.createSalesOrder(order(), { idempotencyKey: key('so') });
    expect(await erp.cancelSalesOrder(created.id, { idempotencyKey: key('cancel') })).to.include({
      id: created.id,
      status: 'cancelled',
    });
    expect(await erp.cancelSalesOrder(created.id, { idempotencyKey: key('cancel') })).to.include({
      status: 'cancelled',
    });
    expect((await erp.getStock(['SKU-1']))[0]?.available).to.equal(45);
    expect((await connectorFailureOf(erp.cancelSalesOrder('424242', { idempotencyKey: key('c') }))).code).to.equal(
      'NOT_FOUND',
    );
    expect((await connectorFailureOf(erp.cancelSalesOrder('not-an-id', { idempotencyKey: key('c') }))).code).to.equal(
      'NOT_FOUND',
    );
  });

  it('invoices an order: a posted out_invoice linked to its lines; a replay with the same key returns it', async () => {
    const so = await erp.createSalesOrder(order(), { idempotencyKey: key('so') });
    const k = key('inv');
    const invoice = await erp.createInvoice(
      { salesOrderId: so.id, customerId, total: so.total },
      { idempotencyKey: k },
    );
    expect(invoice).to.deep.include({ salesOrderId: so.id, total: { amount: 5997, currency: 'EUR' } });
    expect(invoice.number).to.match(/^INV\/\d{4}\/00001$/);
    expect(
      await erp.createInvoice({ salesOrderId: so.id, customerId, total: so.total }, { idempotencyKey: k }),
    ).to.deep.equal(invoice);
    expect(fake.count('account.move')).to.equal(1);
    const move = fake.orm.table('account.move').get(Number(invoice.id));
    expect(move).to.include({ move_type: 'out_invoice', state: 'posted', ref: k });
    expect([...fake.orm.table('account.move.line').values()][0]?.sale_line_ids).to.have.length(1);
    expect(fake.calls.some((c) => c.includes('_create_invoices'))).to.equal(false);
  });

  it('cancels a posted invoice by button_draft then button_cancel; cancelling again changes nothing; listInvoices leaves it out', async () => {
    const so = await erp.createSalesOrder(order(), { idempotencyKey: key('so') });
    const invoice = await erp.createInvoice(
      { salesOrderId: so.id, customerId, total: so.total },
      { idempotencyKey: key('inv') },
    );
    expect(invoice.status).to.equal('open');
    const options = { idempotencyKey: key('cancel-invoice') };
    const cancelled = await erp.cancelInvoice(invoice.id, options);
    expect(cancelled).to.deep.equal({ ...invoice, status: 'cancelled' });
    expect(fake.orm.table('account.move').get(Number(invoice.id))).to.include({
      state: 'cancel',
      name: invoice.number,
    });
    const stateChanges = () => fake.calls.filter((c) => /^account\.move\.button_/.test(c));
    expect(stateChanges()).to.deep.equal(['account.move.button_draft', 'account.move.button_cancel']);
    expect(await erp.cancelInvoice(invoice.id, options)).to.deep.equal(cancelled);
    expect(stateChanges()).to.have.length(2);
    const around = {
      from: new Date(Date.now() - 3_600_000).toISOString(),
      to: new Date(Date.now() + 3_600_000).toISOString(),
    };
    expect((await erp.listInvoices(around, null)).items.map((i) => i.id)).to.not.include(invoice.id);
  });

  it('when a cancel fails after button_draft, then the replay finds the invoice in draft and only cancels it', async () => {
    const so = await erp.createSalesOrder(order(), { idempotencyKey: key('so') });
    const invoice = await erp.createInvoice(
      { salesOrderId: so.id, customerId, total: so.total },
      { idempotencyKey: key('inv') },
    );
    const options = { idempotencyKey: key('cancel-invoice') };
    fake.failNext(
      'account.move',
      'button_cancel',
      'psycopg2.errors.SerializationFailure',
      'could not serialize access due to concurrent update',
    );
    expect(await connectorFailureOf(erp.cancelInvoice(invoice.id, options))).to.include({
      code: 'VENDOR_UNAVAILABLE',
      retryable: true,
    });
    expect(fake.orm.table('account.move').get(Number(invoice.id))?.state).to.equal('draft');
    expect(await erp.cancelInvoice(invoice.id, options)).to.deep.equal({ ...invoice, status: 'cancelled' });
    expect(fake.calls.filter((c) => c === 'account.move.button_draft')).to.have.length(1);
  });

  it('cancelInvoice of an id Odoo does not have is NOT_FOUND (MissingError), of a non-numeric id without a call, of a vendor bill NOT_FOUND', async () => {
    const missing = await connectorFailureOf(erp.cancelInvoice('424242', { idempotencyKey: key('c') }));
    expect(missing).to.include({ code: 'NOT_FOUND', retryable: false });
    expect(missing.vendorMessage).to.contain('Record does not exist or has been deleted.');
    const calls = fake.calls.length;
    expect((await connectorFailureOf(erp.cancelInvoice('INV/2025/00001', { idempotencyKey: key('c') }))).code).to.equal(
      'NOT_FOUND',
    );
    expect(fake.calls.length).to.equal(calls);
    const bill = fake.orm.insert('account.move', {
      name: 'BILL/2025/00001',
      move_type: 'in_invoice',
      state: 'posted',
      amount_total: 10,
      currency_id: fake.currencyId('EUR'),
      create_date: '2025-03-01 08:00:00',
    });
    expect((await connectorFailureOf(erp.cancelInvoice(String(bill.id), { idempotencyKey: key('c') }))).code).to.equal(
      'NOT_FOUND',
    );
    expect(bill.state).to.equal('posted');
  });

  it('refuses an invoice whose customer or total does not match the order, or whose order is cancelled', async () => {
    const so = await erp.createSalesOrder(order(), { idempotencyKey: key('so') });
    const other = await erp.upsertCustomer(
      { email: 'other@shop.example', name: 'Other' },
      { idempotencyKey: key('o') },
    );
    expect(
      (
        await connectorFailureOf(
          erp.createInvoice(
            { salesOrderId: so.id, customerId: other.id, total: so.total },
            { idempotencyKey: key('i1') },
          ),
        )
      ).code,
    ).to.equal('INVALID_REQUEST');
    expect(
      (
        await connectorFailureOf(
          erp.createInvoice(
            { salesOrderId: so.id, customerId, total: { amount: 1, currency: 'EUR' } },
            { idempotencyKey: key('i2') },
          ),
        )
      ).code,
    ).to.equal('INVALID_REQUEST');
    await erp.cancelSalesOrder(so.id, { idempotencyKey: key('c') });
    expect(
      (
        await connectorFailureOf(
          erp.createInvoice({ salesOrderId: so.id, customerId, total: so.total }, { idempotencyKey: key('i3') }),
        )
      ).code,
    ).to.equal('CONFLICT');
    expect(fake.count('account.move')).to.equal(0);
  });

  it('lists the invoices created in a window, oldest first, page by page', async () => {
    erp = connectorFor(fake, { pageSize: 3 });
    const start = Date.parse('2025-03-01T00:00:00Z');
    const made: string[] = [];
    for (let i = 0; i < 8; i++) {
      fake.setClock(start + i * 3_600_000);
      const so = await erp.createSalesOrder(order(), { idempotencyKey: key(`so${i}`) });
      made.push(
        (
          await erp.createInvoice(
            { salesOrderId: so.id, customerId, total: so.total },
            { idempotencyKey: key(`i${i}`) },
          )
        ).id,
      );
    }
    fake.setClock(null);
    const window = { from: '2025-03-01T01:00:00Z', to: '2025-03-01T08:00:00Z' };
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const page = await erp.listInvoices(window, cursor);
      pages.push(page.items.map((i) => i.id));
      expect(page.items.every((i) => i.salesOrderId !== '' && i.issuedAt >= '2025-03-01T01:00:00.000Z')).to.equal(true);
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(pages.map((p) => p.length)).to.deep.equal([3, 3, 1]);
    expect(pages.flat()).to.deep.equal(made.slice(1, 8));
    const first = await erp.listInvoices(window, null);
    expect(
      (await connectorFailureOf(erp.listInvoices({ ...window, to: '2025-03-02T00:00:00Z' }, first.nextCursor))).code,
    ).to.equal('INVALID_REQUEST');
  });

  it('creates a confirmed purchase order for a supplier by name or id; a replayed reference returns it', async () => {
    const supplier = fake.seedPartner({ name: 'Parts Ltd', supplier_rank: 1 });
    const input = {
      externalReference: ref(),
      supplier: 'Parts Ltd',
      currency: 'USD',
      lines: [{ sku: 'SKU-2', quantity: 100, unitAmount: 250 }],
    };
    const po = await erp.createPurchaseOrder(input, { idempotencyKey: key('po') });
    expect(po.externalReference).to.equal(input.externalReference);
    expect(await erp.createPurchaseOrder(input, { idempotencyKey: key('po2') })).to.deep.equal(po);
    expect(fake.count('purchase.order')).to.equal(1);
    expect(fake.orm.table('purchase.order').get(Number(po.id))).to.include({
      state: 'purchase',
      partner_id: supplier.id,
      currency_id: fake.currencyId('USD'),
      amount_total: 250,
    });
    expect(
      await erp.createPurchaseOrder(
        { ...input, externalReference: ref(), supplier: String(supplier.id) },
        { idempotencyKey: key('po3') },
      ),
    ).to.have.property('id');
    expect(
      (
        await connectorFailureOf(
          erp.createPurchaseOrder(
            { ...input, externalReference: ref(), supplier: 'Nobody' },
            { idempotencyKey: key('po4') },
          ),
        )
      ).code,
    ).to.equal('NOT_FOUND');
  });
});
