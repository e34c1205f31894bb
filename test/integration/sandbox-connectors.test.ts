import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import {
  clearSandboxFaults,
  countSandboxRecords,
  injectSandboxFault,
  setSandboxStock,
} from '../../connectors/sandbox/sandbox-admin';
import { SandboxCrmConnector } from '../../connectors/sandbox/sandbox-crm.connector';
import { SandboxErpConnector } from '../../connectors/sandbox/sandbox-erp.connector';
import { SandboxPaymentConnector } from '../../connectors/sandbox/sandbox-payment.connector';
import type { SalesOrderInput, TimeWindow } from '../../connectors/spi';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { connectorFailureOf } from '../support/expect-connector-error';
import { allPages } from '../support/all-pages';

const unique = () => randomBytes(4).toString('hex');
const key = (label: string) => `${label}-${unique()}`;

describe('sandbox connectors (MariaDB)', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let crm: SandboxCrmConnector;
  let erp: SandboxErpConnector;
  let payments: SandboxPaymentConnector;
  const suffix = unique();
  const names = { crm: `crm.t-${suffix}`, erp: `erp.t-${suffix}`, payment: `payment.t-${suffix}` };
  const window: TimeWindow = {
    from: new Date(Date.now() - 60_000).toISOString(),
    to: new Date(Date.now() + 3_600_000).toISOString(),
  };

  before(async () => {
    db = await createTestDatabase('sandbox');
    crm = new SandboxCrmConnector(names.crm, db.models);
    erp = new SandboxErpConnector(names.erp, db.models, { pageSize: 2 });
    payments = new SandboxPaymentConnector(names.payment, db.models, { pageSize: 2 });
  });

  after(async () => {
    await db?.destroy();
  });

  afterEach(() => clearSandboxFaults(db.models));

  async function newCustomerId(): Promise<string> {
    return (
      await erp.upsertCustomer(
        { email: `${unique()}@shop.example`, name: 'Ada Lovelace' },
        { idempotencyKey: key('cus') },
      )
    ).id;
  }

  function orderInput(
    customerId: string,
    lines: SalesOrderInput['lines'] = [{ sku: 'SKU-1', quantity: 2, unitAmount: 1999 }],
  ): SalesOrderInput {
    return { externalReference: `order-${unique()}`, customerId, currency: 'EUR', lines };
  }

  describe('idempotent writes', () => {
    it('when a contact upsert is replayed with the same key, then the same contact is returned and nothing new is created', async () => {
      const idempotencyKey = key('contact');
      const first = await crm.upsertContact({ email: 'Grace@Example.com', firstName: 'Grace' }, { idempotencyKey });
      const before = await countSandboxRecords(db.models, names.crm, 'contacts');
      const replay = await crm.upsertContact({ email: 'grace@example.com', firstName: 'Grace' }, { idempotencyKey });
      expect(replay).to.deep.equal(first);
      expect(first.email).to.equal('grace@example.com');
      expect(await countSandboxRecords(db.models, names.crm, 'contacts')).to.equal(before);
    });

    it('when the same email is upserted with another key, then the one contact is updated, keeping fields not sent', async () => {
      const email = `${unique()}@example.com`;
      const first = await crm.upsertContact(
        { email, firstName: 'Alan', phone: '+44 1' },
        { idempotencyKey: key('c1') },
      );
      const second = await crm.upsertContact({ email, lastName: 'Turing' }, { idempotencyKey: key('c2') });
      expect(second.id).to.equal(first.id);
      expect(second).to.include({ firstName: 'Alan', lastName: 'Turing', phone: '+44 1' });
      expect(await crm.findContactByEmail(email.toUpperCase())).to.deep.equal(second);
      expect(await crm.findContactByEmail(`nobody-${unique()}@example.com`)).to.equal(null);
    });

    it('when the same key is sent by five concurrent callers, then exactly one contact and one order exist', async () => {
      const email = `${unique()}@race.example`;
      const contactKey = key('race');
      const contactsBefore = await countSandboxRecords(db.models, names.crm, 'contacts');
      const contacts = await Promise.all(
        Array.from({ length: 5 }, () =>
          crm.upsertContact({ email, firstName: 'Race' }, { idempotencyKey: contactKey }),
        ),
      );
      expect(new Set(contacts.map((c) => c.id)).size).to.equal(1);
      expect(await countSandboxRecords(db.models, names.crm, 'contacts')).to.equal(contactsBefore + 1);

      const input = orderInput(await newCustomerId());
      const orderKey = key('race-order');
      const ordersBefore = await countSandboxRecords(db.models, names.erp, 'salesOrders');
      const orders = await Promise.all(
        Array.from({ length: 5 }, () => erp.createSalesOrder(input, { idempotencyKey: orderKey })),
      );
      expect(new Set(orders.map((o) => o.id)).size).to.equal(1);
      expect(await countSandboxRecords(db.models, names.erp, 'salesOrders')).to.equal(ordersBefore + 1);
    });

    it('when a sales order is replayed, by key or by external reference, then no second order is created', async () => {
      const input = orderInput(await newCustomerId());
      const idempotencyKey = key('so');
      const first = await erp.createSalesOrder(input, { idempotencyKey });
      const before = await countSandboxRecords(db.models, names.erp, 'salesOrders');
      expect(await erp.createSalesOrder(input, { idempotencyKey })).to.deep.equal(first);
      expect(await erp.createSalesOrder(input, { idempotencyKey: key('so-other') })).to.deep.equal(first);
      expect(await countSandboxRecords(db.models, names.erp, 'salesOrders')).to.equal(before);
      expect(first).to.include({ externalReference: input.externalReference, status: 'open' });
      expect(first.id).to.match(/^so_[0-9a-f]{20}$/);
      expect(first.total).to.deep.equal({ amount: 3998, currency: 'EUR' });
    });

    it('when companies and deals are written twice with one key, then each exists once', async () => {
      const companyKey = key('acc');
      const company = await crm.upsertCompany(
        { name: 'Analytical Engines', domain: `${unique()}.example` },
        { idempotencyKey: companyKey },
      );
      expect(
        await crm.upsertCompany(
          { name: 'Analytical Engines Ltd', domain: 'ignored.example' },
          { idempotencyKey: companyKey },
        ),
      ).to.deep.equal(company);
      expect(await crm.getAccount(company.id)).to.deep.equal(company);
      expect(await crm.getAccount('acc_missing')).to.equal(null);

      const contact = await crm.upsertContact({ email: `${unique()}@deal.example` }, { idempotencyKey: key('dc') });
      const dealKey = key('deal');
      const deal = await crm.createDeal(
        { name: 'Engine', contactId: contact.id, amount: { amount: 500_000, currency: 'GBP' } },
        { idempotencyKey: dealKey },
      );
      const before = await countSandboxRecords(db.models, names.crm, 'deals');
      expect(
        await crm.createDeal(
          { name: 'Engine', contactId: contact.id, amount: { amount: 500_000, currency: 'GBP' } },
          { idempotencyKey: dealKey },
        ),
      ).to.deep.equal(deal);
      expect(await countSandboxRecords(db.models, names.crm, 'deals')).to.equal(before);
      const missing = await connectorFailureOf(
        crm.createDeal(
          { name: 'X', contactId: 'con_nope', amount: { amount: 1, currency: 'GBP' } },
          { idempotencyKey: key('deal') },
        ),
      );
      expect(missing.code).to.equal('NOT_FOUND');
    });

    it('when the input is invalid, then INVALID_REQUEST names the field and nothing is written', async () => {
      const error = await connectorFailureOf(
        crm.upsertContact({ email: 'not-an-email' }, { idempotencyKey: key('bad') }),
      );
      expect(error.toDetails()).to.include({ code: 'INVALID_REQUEST', retryable: false, status: 400 });
      expect(error.vendorMessage).to.match(/^email: /);
      expect(
        (
          await connectorFailureOf(
            erp.createSalesOrder({ ...orderInput('cus_x'), lines: [] }, { idempotencyKey: key('bad') }),
          )
        ).code,
      ).to.equal('INVALID_REQUEST');
      expect(
        (await connectorFailureOf(crm.upsertContact({ email: 'a@b.example' }, { idempotencyKey: '' }))).code,
      ).to.equal('INVALID_REQUEST');
    });
  });

  describe('injected faults', () => {
    it('when a 503 is injected twice, then two calls fail retryably and the third succeeds', async () => {
      const input = orderInput(await newCustomerId());
      const idempotencyKey = key('fault');
      await injectSandboxFault(db.models, {
        instance: names.erp,
        operation: 'createSalesOrder',
        code: 'VENDOR_UNAVAILABLE',
        times: 2,
      });
      const before = await countSandboxRecords(db.models, names.erp, 'salesOrders');
      for (let attempt = 1; attempt <= 2; attempt++) {
        const error = await connectorFailureOf(erp.createSalesOrder(input, { idempotencyKey }));
        expect(error.toDetails()).to.deep.equal({
          code: 'VENDOR_UNAVAILABLE',
          retryable: true,
          status: 503,
          vendorMessage: 'Service temporarily unavailable',
        });
      }
      const order = await erp.createSalesOrder(input, { idempotencyKey });
      expect(order.status).to.equal('open');
      expect(await countSandboxRecords(db.models, names.erp, 'salesOrders')).to.equal(before + 1);
      expect(await erp.createSalesOrder(input, { idempotencyKey })).to.deep.equal(order);
    });

    it('when a fault has no count, then every call fails until the faults are cleared', async () => {
      await injectSandboxFault(db.models, {
        instance: names.crm,
        operation: 'findContactByEmail',
        code: 'UNAUTHORIZED',
        times: null,
      });
      for (let i = 0; i < 3; i++) {
        expect((await connectorFailureOf(crm.findContactByEmail('x@y.example'))).toDetails()).to.include({
          code: 'UNAUTHORIZED',
          retryable: false,
          status: 401,
        });
      }
      await clearSandboxFaults(db.models, names.crm);
      expect(await crm.findContactByEmail('x@y.example')).to.equal(null);
    });

    it('when a fault is injected for one instance, then other instances are unaffected', async () => {
      await injectSandboxFault(db.models, {
        instance: `crm.other-${unique()}`,
        operation: 'findContactByEmail',
        code: 'VENDOR_UNAVAILABLE',
      });
      expect(await crm.findContactByEmail('x@y.example')).to.equal(null);
    });

    it('when the answer is lost after the write (":after" fault), then the retry with the same key returns the committed record', async () => {
      const idempotencyKey = key('lost');
      await injectSandboxFault(db.models, {
        instance: names.payment,
        operation: 'authorize:after',
        code: 'TIMEOUT',
        times: 1,
      });
      const before = await countSandboxRecords(db.models, names.payment, 'payments');
      const authorization = {
        amount: { amount: 1200, currency: 'EUR' },
        paymentMethodToken: 'tok_visa',
        customerReference: 'order-lost',
      };
      expect((await connectorFailureOf(payments.authorize(authorization, { idempotencyKey }))).toDetails()).to.include({
        code: 'TIMEOUT',
        retryable: true,
      });
      expect(await countSandboxRecords(db.models, names.payment, 'payments')).to.equal(before + 1);
      const retried = await payments.authorize(authorization, { idempotencyKey });
      expect(retried.status).to.equal('authorized');
      expect(await countSandboxRecords(db.models, names.payment, 'payments')).to.equal(before + 1);
    });

    it('rejects unknown operations and codes', async () => {
      let thrown: unknown;
      try {
        await injectSandboxFault(db.models, {
          instance: names.erp,
          operation: 'createSalesOrdr',
          code: 'VENDOR_UNAVAILABLE',
        });
      } catch (error) {
        thrown = error;
      }
      expect(String(thrown)).to.contain('createSalesOrder');
    });
  });

  describe('stock', () => {
    it('when a SKU starts with OOS-, then none is available; an unknown SKU has 1000; a set SKU has its level', async () => {
      const sku = `SKU-${unique()}`;
      await setSandboxStock(db.models, names.erp, sku, 3);
      const levels = await erp.getStock(['NEW-1', 'OOS-LAMP', sku]);
      expect(levels).to.deep.equal([
        { sku: 'NEW-1', available: 1000 },
        { sku: 'OOS-LAMP', available: 0 },
        { sku, available: 3 },
      ]);
    });

    it('when an order is created and then cancelled (twice), then its stock is reserved once and released once', async () => {
      const sku = `SKU-${unique()}`;
      await setSandboxStock(db.models, names.erp, sku, 10);
      const input = orderInput(await newCustomerId(), [
        { sku, quantity: 3, unitAmount: 100 },
        { sku, quantity: 1, unitAmount: 100 },
      ]);
      const order = await erp.createSalesOrder(input, { idempotencyKey: key('res') });
      expect(await erp.getStock([sku])).to.deep.equal([{ sku, available: 6 }]);
      const cancelKey = key('cancel');
      const cancelled = await erp.cancelSalesOrder(order.id, { idempotencyKey: cancelKey });
      expect(cancelled.status).to.equal('cancelled');
      expect(await erp.cancelSalesOrder(order.id, { idempotencyKey: cancelKey })).to.deep.equal(cancelled);
      expect((await erp.cancelSalesOrder(order.id, { idempotencyKey: key('cancel-again') })).status).to.equal(
        'cancelled',
      );
      expect(await erp.getStock([sku])).to.deep.equal([{ sku, available: 10 }]);
      expect(
        (await connectorFailureOf(erp.cancelSalesOrder('so_missing', { idempotencyKey: key('c') }))).code,
      ).to.equal('NOT_FOUND');
    });

    it('when more is ordered than available, then stock stops at zero and a cancel gives back only what was taken', async () => {
      const sku = `SKU-${unique()}`;
      await setSandboxStock(db.models, names.erp, sku, 2);
      const order = await erp.createSalesOrder(
        orderInput(await newCustomerId(), [{ sku, quantity: 5, unitAmount: 1 }]),
        { idempotencyKey: key('over') },
      );
      expect(await erp.getStock([sku])).to.deep.equal([{ sku, available: 0 }]);
      await erp.cancelSalesOrder(order.id, { idempotencyKey: key('over-cancel') });
      expect(await erp.getStock([sku])).to.deep.equal([{ sku, available: 2 }]);
    });
  });

  describe('invoices', () => {
    it('numbers invoices INV-000001, INV-000002 … and answers a replay with the same invoice', async () => {
      const customerId = await newCustomerId();
      const numbers: string[] = [];
      for (let i = 0; i < 2; i++) {
        const order = await erp.createSalesOrder(orderInput(customerId), { idempotencyKey: key('inv-so') });
        const invoiceKey = key('inv');
        const invoice = await erp.createInvoice(
          { salesOrderId: order.id, customerId, total: order.total },
          { idempotencyKey: invoiceKey },
        );
        expect(
          await erp.createInvoice(
            { salesOrderId: order.id, customerId, total: order.total },
            { idempotencyKey: invoiceKey },
          ),
        ).to.deep.equal(invoice);
        numbers.push(invoice.number);
      }
      expect(numbers.every((n) => /^INV-\d{6}$/.test(n))).to.equal(true);
      expect(Number(numbers[1]!.slice(4))).to.equal(Number(numbers[0]!.slice(4)) + 1);
    });

    it('when the sales order is cancelled, then invoicing it is a CONFLICT', async () => {
      const customerId = await newCustomerId();
      const order = await erp.createSalesOrder(orderInput(customerId), { idempotencyKey: key('c-so') });
      await erp.cancelSalesOrder(order.id, { idempotencyKey: key('c-cancel') });
      const error = await connectorFailureOf(
        erp.createInvoice({ salesOrderId: order.id, customerId, total: order.total }, { idempotencyKey: key('c-inv') }),
      );
      expect(error.toDetails()).to.include({ code: 'CONFLICT', retryable: false });
    });
  });

  describe('payments', () => {
    const authorization = (token = 'tok_visa', amount = 4498) => ({
      amount: { amount, currency: 'EUR' },
      paymentMethodToken: token,
      customerReference: `order-${unique()}`,
    });

    it('when the token is tok_declined, then authorize fails with PAYMENT_DECLINED and records nothing', async () => {
      const before = await countSandboxRecords(db.models, names.payment, 'payments');
      for (const token of ['tok_declined', 'tok_declined_insufficient_funds']) {
        const error = await connectorFailureOf(
          payments.authorize(authorization(token), { idempotencyKey: key('decl') }),
        );
        expect(error.toDetails()).to.deep.equal({
          code: 'PAYMENT_DECLINED',
          retryable: false,
          status: 402,
          vendorMessage: 'Your card was declined.',
        });
      }
      expect(await countSandboxRecords(db.models, names.payment, 'payments')).to.equal(before);
    });

    it('authorize → capture → refund, where a repeated step answers the same and a forbidden one is a CONFLICT', async () => {
      const payment = await payments.authorize(authorization(), { idempotencyKey: key('auth') });
      expect(payment).to.include({ status: 'authorized', capturedAmount: 0, refundedAmount: 0 });
      expect(payment.id).to.match(/^pay_[0-9a-f]{20}$/);
      expect(
        (await connectorFailureOf(payments.refund(payment.id, null, { idempotencyKey: key('early-refund') }))).code,
      ).to.equal('CONFLICT');

      const captureKey = key('cap');
      const captured = await payments.capture(payment.id, null, { idempotencyKey: captureKey });
      expect(captured).to.include({ status: 'captured', capturedAmount: 4498 });
      expect(await payments.capture(payment.id, null, { idempotencyKey: captureKey })).to.deep.equal(captured);
      expect(
        (await connectorFailureOf(payments.voidAuthorization(payment.id, { idempotencyKey: key('void') }))).toDetails(),
      ).to.include({ code: 'CONFLICT', retryable: false });

      const partial = await payments.refund(payment.id, 1000, { idempotencyKey: key('ref1') });
      expect(partial).to.include({ status: 'partially_refunded', refundedAmount: 1000 });
      expect(
        (await connectorFailureOf(payments.refund(payment.id, 10_000, { idempotencyKey: key('too-much') }))).code,
      ).to.equal('INVALID_REQUEST');
      const refundKey = key('ref2');
      const refunded = await payments.refund(payment.id, null, { idempotencyKey: refundKey });
      expect(refunded).to.include({ status: 'refunded', refundedAmount: 4498 });
      expect(await payments.refund(payment.id, null, { idempotencyKey: refundKey })).to.deep.equal(refunded);
      expect((await payments.refund(payment.id, null, { idempotencyKey: key('ref3') })).status).to.equal('refunded');
    });

    it('authorize → void, after which capture is a CONFLICT and a second void answers the same', async () => {
      const payment = await payments.authorize(authorization(), { idempotencyKey: key('auth') });
      const voided = await payments.voidAuthorization(payment.id, { idempotencyKey: key('void') });
      expect(voided.status).to.equal('voided');
      expect((await payments.voidAuthorization(payment.id, { idempotencyKey: key('void-again') })).status).to.equal(
        'voided',
      );
      expect(
        (await connectorFailureOf(payments.capture(payment.id, null, { idempotencyKey: key('cap') }))).toDetails(),
      ).to.include({ code: 'CONFLICT', retryable: false });
      expect(
        (await connectorFailureOf(payments.capture('pay_missing', null, { idempotencyKey: key('cap') }))).code,
      ).to.equal('NOT_FOUND');
    });
  });

  describe('paging', () => {
    it('pages through every contact changed since the start, in order, without repeats', async () => {
      const pagingCrm = new SandboxCrmConnector(`crm.paging-${unique()}`, db.models);
      const created: string[] = [];
      for (let i = 0; i < 7; i++)
        created.push(
          (await pagingCrm.upsertContact({ email: `p${i}-${unique()}@page.example` }, { idempotencyKey: key('p') })).id,
        );
      const { items, pages } = await allPages((cursor) => pagingCrm.listContactsChangedSince(cursor, 3));
      expect(pages).to.equal(3);
      // Rows written in the same millisecond are ordered by id, so compare as sets plus time order.
      expect(items.map((c) => c.id))
        .to.have.members(created)
        .and.have.length(created.length);
      expect(items.map((c) => c.updatedAt)).to.deep.equal(items.map((c) => c.updatedAt).sort());

      // A change moves the contact to the end of the change feed.
      const first = await pagingCrm.listContactsChangedSince(null, 3);
      const changed = await pagingCrm.upsertContact(
        { email: first.items[0]!.email, firstName: 'Changed' },
        { idempotencyKey: key('p-change') },
      );
      const again = await allPages((cursor) => pagingCrm.listContactsChangedSince(cursor, 3));
      expect(again.items.at(-1)?.id).to.equal(changed.id);
      expect((await connectorFailureOf(pagingCrm.listContactsChangedSince('garbage', 3))).code).to.equal(
        'INVALID_REQUEST',
      );
    });

    it('pages through payments and invoices of a time window', async () => {
      const pagedPayments = new SandboxPaymentConnector(`payment.paging-${unique()}`, db.models, { pageSize: 2 });
      const paymentIds: string[] = [];
      for (let i = 0; i < 5; i++) {
        paymentIds.push(
          (
            await pagedPayments.authorize(
              {
                amount: { amount: 100 + i, currency: 'EUR' },
                paymentMethodToken: 'tok_visa',
                customerReference: `r${i}`,
              },
              { idempotencyKey: key('lp') },
            )
          ).id,
        );
      }
      const listed = await allPages((cursor) => pagedPayments.listPayments(window, cursor));
      expect(listed.pages).to.equal(3);
      expect(listed.items.map((p) => p.id))
        .to.have.members(paymentIds)
        .and.have.length(paymentIds.length);
      expect(listed.items.map((p) => p.createdAt)).to.deep.equal(listed.items.map((p) => p.createdAt).sort());
      const past: TimeWindow = { from: '2020-01-01T00:00:00Z', to: '2020-01-02T00:00:00Z' };
      expect(await pagedPayments.listPayments(past, null)).to.deep.equal({ items: [], nextCursor: null });

      const pagedErp = new SandboxErpConnector(`erp.paging-${unique()}`, db.models, { pageSize: 2 });
      const customer = await pagedErp.upsertCustomer(
        { email: `${unique()}@inv.example`, name: 'Inv' },
        { idempotencyKey: key('ic') },
      );
      const invoiceNumbers: string[] = [];
      for (let i = 0; i < 4; i++) {
        const order = await pagedErp.createSalesOrder(orderInput(customer.id), { idempotencyKey: key('iso') });
        invoiceNumbers.push(
          (
            await pagedErp.createInvoice(
              { salesOrderId: order.id, customerId: customer.id, total: order.total },
              { idempotencyKey: key('ii') },
            )
          ).number,
        );
      }
      const invoices = await allPages((cursor) => pagedErp.listInvoices(window, cursor));
      expect(invoiceNumbers).to.deep.equal(['INV-000001', 'INV-000002', 'INV-000003', 'INV-000004']);
      expect(invoices.items.map((i) => i.number))
        .to.have.members(invoiceNumbers)
        .and.have.length(4);
      expect(invoices.pages).to.equal(2);
    });
  });

  it('answers a health check, and fails it when a fault is injected', async () => {
    await erp.healthCheck();
    await injectSandboxFault(db.models, { instance: names.erp, operation: 'healthCheck', code: 'UNAUTHORIZED' });
    expect((await connectorFailureOf(erp.healthCheck())).code).to.equal('UNAUTHORIZED');
  });
});
