import { expect } from 'chai';
import type { BusinessCentralFake } from '../fakes/business-central-fake';
import type { HubSpotFake } from '../fakes/hubspot-fake';
import type { OdooFake } from '../fakes/odoo-fake';
import type { SalesforceFake } from '../fakes/salesforce-fake';
import type { SapODataFake } from '../fakes/sap-odata-fake';
import type { SendGridFake } from '../fakes/sendgrid-fake';
import type { StripeFake } from '../fakes/stripe-fake';
import { newOrderInput } from '../support/order-fixtures';
import type { SmtpSink } from '../support/smtp-sink';
import {
  startBusinessCentral,
  startHarness,
  startHubSpot,
  startOdoo,
  startSalesforce,
  startSap,
  startSendGrid,
  startSmtp,
  startStripe,
  type Harness,
  type RunFailureView,
  type RunView,
} from '../support/vendor-stacks';

const ALL_STEPS = [
  'upsertCustomer',
  'checkStock',
  'createSalesOrder',
  'authorizePayment',
  'createInvoice',
  'capturePayment',
  'sendConfirmation',
];

function expectCompleted(run: RunView): void {
  expect(run.status, JSON.stringify(run.failure)).to.equal('COMPLETED');
  expect(run.progress?.status).to.equal('COMPLETED');
  expect(run.progress?.stepsDone).to.have.members(ALL_STEPS);
}

/** Posting a finished order again starts nothing: the API answers with the same run. */
async function expectSameRunWhenPostedAgain(
  harness: Harness,
  input: Parameters<Harness['post']>[0],
  run: RunView,
): Promise<void> {
  const again = await harness.post(input);
  expect(again.status).to.equal(202);
  expect(again.body.runId).to.equal(run.runId);
}

function expectOneCapturedPayment(stripe: StripeFake, run: RunView): void {
  expect([...stripe.intents.values()]).to.have.length(1);
  expect(stripe.intents.get(run.result?.paymentId ?? '')).to.include({
    status: 'succeeded',
    amount: 4498,
    amount_received: 4498,
    currency: 'eur',
  });
}

function sendGridSubjects(sendgrid: SendGridFake): (string | undefined)[] {
  return sendgrid.received.map((r) => r.body.subject);
}

describe('orderToCash end to end on vendor connectors: HubSpot + SAP S/4HANA + Stripe + SendGrid, instances created through /v1/connectors', function () {
  this.timeout(120_000);
  let harness: Harness;
  let hubspot: HubSpotFake;
  let sap: SapODataFake;
  let stripe: StripeFake;
  let sendgrid: SendGridFake;
  const connectors = { crm: 'crm.hubspot', erp: 'erp.sap', payment: 'payment.stripe', email: 'email.sendgrid' };

  before(async function () {
    harness = await startHarness('o2c_vendors_a');
    // Through the admin API: credentials are encrypted into the database, then read back by the worker's registry.
    [hubspot, sap, stripe, sendgrid] = await Promise.all([
      startHubSpot(harness.defineThroughApi),
      startSap(harness.defineThroughApi),
      startStripe(harness.defineThroughApi),
      startSendGrid(harness.defineThroughApi),
    ]);
  });

  after(async function () {
    await harness?.close();
    await Promise.all([hubspot?.close(), sap?.close(), stripe?.close(), sendgrid?.close()]);
  });

  it('stores the credentials encrypted, not in clear', async () => {
    const rows = await harness.db.models.ConnectorInstance.findAll();
    expect(rows.map((row) => row.get('name')).sort()).to.deep.equal([
      'crm.hubspot',
      'email.sendgrid',
      'erp.sap',
      'payment.stripe',
    ]);
    const stored = JSON.stringify(rows.map((row) => row.toJSON()));
    for (const secret of [hubspot.token, 'geheim', stripe.secretKey, 'SG.fake-key'])
      expect(stored).to.not.contain(secret);
  });

  // SAP S/4HANA bills sales orders in its own billing run (billing due list); its connector declares
  // createInvoice unsupported, so the API starts the run with `invoicing: erp-billing-run`.
  it("when a shop posts an order, then it completes with the invoice left to SAP's billing run: one partner, one order, one captured payment, one confirmation", async () => {
    const input = newOrderInput({ payment: { token: 'pm_card_visa' }, connectors });
    const started = await harness.post(input);
    expect(started.status).to.equal(202);
    const run = await harness.waitForClose(started.body.workflowId);

    expect(run.status, JSON.stringify(run.failure)).to.equal('COMPLETED');
    expect(run.progress?.stepsDone).to.deep.equal([
      'upsertCustomer',
      'checkStock',
      'createSalesOrder',
      'authorizePayment',
      'invoiceByErpBillingRun',
      'capturePayment',
      'sendConfirmation',
    ]);
    expect(run.result?.invoiceId).to.equal(null);
    expect(hubspot.store.count('contacts')).to.equal(1);
    expect(hubspot.store.findBy('contacts', 'email', input.customer.email)).to.not.equal(undefined);
    expect(sap.store.partners.size).to.equal(1);
    expect(sap.store.orders.size).to.equal(1);
    const [order] = [...sap.store.orders.values()];
    expect(order?.PurchaseOrderByCustomer).to.equal(input.orderId);
    expect(order?.items.every((item) => item.SalesDocumentRjcnReason === '')).to.equal(true);
    expectOneCapturedPayment(stripe, run);
    expect(sendGridSubjects(sendgrid)).to.deep.equal([`Your order ${input.orderId} is confirmed`]);
    expect(sendgrid.received[0]?.body.personalizations[0]?.to?.[0]?.email).to.equal(input.customer.email);

    await expectSameRunWhenPostedAgain(harness, input, run);
    expect(sap.store.orders.size).to.equal(1);
    expect(stripe.intents.size).to.equal(1);
  });

  it("when Stripe refuses the payment method, then the run fails for good without retrying, GET /v1/runs shows Stripe's message, and SAP's order is rejected", async () => {
    const input = newOrderInput({ payment: { token: 'pm_does_not_exist' }, connectors });
    const started = await harness.post(input);
    const run = await harness.waitForClose(started.body.workflowId);

    expect(run.status).to.equal('FAILED');
    expect(run.progress?.failure).to.include({ step: 'authorizePayment' });
    const chain: RunFailureView[] = [];
    for (let failure: RunFailureView | null | undefined = run.failure; failure; failure = failure.cause)
      chain.push(failure);
    expect(chain[0]?.message).to.contain("No such PaymentMethod: 'pm_does_not_exist'");
    const vendorFailure = chain.find(
      (failure) =>
        typeof failure.details === 'object' && failure.details !== null && 'vendorMessage' in failure.details,
    );
    expect(vendorFailure?.message).to.contain("No such PaymentMethod: 'pm_does_not_exist'");
    expect(vendorFailure?.details).to.deep.include({
      retryable: false,
      status: 400,
      vendorMessage: "No such PaymentMethod: 'pm_does_not_exist'",
    });
    // One attempt: a validation error is not retried.
    const history = await harness.client.workflow.getHandle(started.body.workflowId).fetchHistory();
    const attempts =
      history.events
        ?.filter((event) => event.activityTaskStartedEventAttributes)
        .map((event) => event.activityTaskStartedEventAttributes?.attempt) ?? [];
    expect(attempts.every((attempt) => attempt === 1)).to.equal(true);
    const order = [...sap.store.orders.values()].find(
      (candidate) => candidate.PurchaseOrderByCustomer === input.orderId,
    );
    expect(order?.items.every((item) => item.SalesDocumentRjcnReason !== '')).to.equal(true);
  });
});

// Payment on stacks (b) and (c): the real Stripe connector against the Stripe fake.
describe('orderToCash end to end on vendor connectors: Salesforce + Business Central + Stripe + SendGrid', function () {
  this.timeout(120_000);
  let harness: Harness;
  let salesforce: SalesforceFake;
  let bc: { bc: BusinessCentralFake; close(): Promise<void> };
  let stripe: StripeFake;
  let sendgrid: SendGridFake;

  before(async function () {
    harness = await startHarness('o2c_vendors_b');
    [salesforce, bc, stripe, sendgrid] = await Promise.all([
      startSalesforce(harness.define),
      startBusinessCentral(harness.define),
      startStripe(harness.define),
      startSendGrid(harness.define),
    ]);
  });

  after(async function () {
    await harness?.close();
    await Promise.all([salesforce?.close(), bc?.close(), stripe?.close(), sendgrid?.close()]);
  });

  it('when a shop posts an order, then it completes: one contact, customer, invoiced order and captured payment, and a confirmation via SendGrid', async () => {
    const input = newOrderInput({
      payment: { token: 'pm_card_visa' },
      connectors: { crm: 'crm.salesforce', erp: 'erp.bc', payment: 'payment.stripe', email: 'email.sendgrid' },
    });
    const started = await harness.post(input);
    expect(started.status).to.equal(202);
    const run = await harness.waitForClose(started.body.workflowId);
    expectCompleted(run);

    expect(salesforce.store.count('Contact')).to.equal(1);
    const customers = [...bc.bc.store.sets.customers.values()];
    expect(customers).to.have.length(1);
    expect(customers[0]).to.include({ id: run.result?.customerId, email: input.customer.email });
    // Business Central's ship-and-invoice posts the order: the invoice keeps its id, the order is gone.
    const invoices = [...bc.bc.store.sets.salesInvoices.values()];
    expect(invoices).to.have.length(1);
    // externalDocumentNumber is a Code field: BC stores it in upper case.
    expect(invoices[0]).to.include({
      id: run.result?.invoiceId,
      orderId: run.result?.salesOrderId,
      externalDocumentNumber: input.orderId.toUpperCase(),
    });
    expect(bc.bc.store.sets.salesOrders.size).to.equal(0);
    expectOneCapturedPayment(stripe, run);

    expect(sendGridSubjects(sendgrid)).to.deep.equal([`Your order ${input.orderId} is confirmed`]);
    expect(sendgrid.received[0]?.body.content?.map((c) => c.value).join('\n')).to.contain(input.orderId);
    expect(run.result?.confirmationMessageId).to.match(/^sg-/);

    await expectSameRunWhenPostedAgain(harness, input, run);
    expect(bc.bc.store.sets.salesInvoices.size).to.equal(1);
    expect(stripe.intents.size).to.equal(1);
  });
});

describe('orderToCash end to end on vendor connectors: Salesforce + Odoo + Stripe + SMTP', function () {
  this.timeout(120_000);
  let harness: Harness;
  let salesforce: SalesforceFake;
  let odoo: OdooFake;
  let stripe: StripeFake;
  let smtp: SmtpSink;

  before(async function () {
    harness = await startHarness('o2c_vendors_c');
    [salesforce, odoo, stripe, smtp] = await Promise.all([
      startSalesforce(harness.define),
      startOdoo(harness.define),
      startStripe(harness.define),
      startSmtp(harness.define),
    ]);
  });

  after(async function () {
    await harness?.close();
    await Promise.all([salesforce?.close(), odoo?.close(), stripe?.close(), smtp?.close()]);
  });

  it('when a shop posts an order, then it completes: one contact, customer, sales order, invoice and captured payment, and a confirmation via SMTP', async () => {
    const input = newOrderInput({
      payment: { token: 'pm_card_visa' },
      connectors: { crm: 'crm.salesforce', erp: 'erp.odoo', payment: 'payment.stripe', email: 'email.smtp' },
    });
    const started = await harness.post(input);
    expect(started.status).to.equal(202);
    const run = await harness.waitForClose(started.body.workflowId);
    expectCompleted(run);

    expect(salesforce.store.count('Contact')).to.equal(1);
    const partners = [...odoo.orm.table('res.partner').values()].filter((p) => p.email === input.customer.email);
    expect(partners).to.have.length(1);
    expect(odoo.count('sale.order')).to.equal(1);
    expect(odoo.orm.table('sale.order').get(Number(run.result?.salesOrderId))).to.include({
      state: 'sale',
      client_order_ref: input.orderId,
    });
    expect(odoo.count('account.move')).to.equal(1);
    expectOneCapturedPayment(stripe, run);

    const subject = `Your order ${input.orderId} is confirmed`;
    const mail = await smtp.waitFor((m) => m.subject === subject);
    expect(mail.text).to.contain(input.orderId);
    expect(mail.messageId).to.equal(run.result?.confirmationMessageId);
    expect(smtp.messages.filter((m) => m.subject === subject)).to.have.length(1);

    await expectSameRunWhenPostedAgain(harness, input, run);
    expect(odoo.count('sale.order')).to.equal(1);
    expect(stripe.intents.size).to.equal(1);
  });
});
