import { expect } from 'chai';
import { countSandboxRecords } from '../../connectors/sandbox/sandbox-admin';
import type { RunningApiServer } from '../../server/api/server';
import { openEventIntake, type EventIntake } from '../../server/intake/event-intake';
import { loadEventSources } from '../../server/intake/event-sources-file';
import type { IntakeConsumer } from '../../server/intake/intake-consumer';
import { PROCESS_CATALOG } from '../../workflows/catalog';
import { expectProblem, keyedCall, replyOf, waitForRun, type Reply } from '../support/api-client';
import { startApiStack, type ApiStack } from '../support/api-stack';
import { startIntakeApi } from '../support/intake-api';
import { uniqueId } from '../support/order-fixtures';
import {
  changedShopifyOrderBody,
  newShopifyOrderId,
  SHOPIFY_SOURCES_FILE,
  shopifyOrderBody,
} from '../support/shopify-orders';
import { hmacBase64 } from '../support/webhook-signing';

/** A Redis database of this suite's own (its queue name is unique too). */
const REDIS_URL = 'redis://127.0.0.1:6379/11';
const SECRET = 'shpss_e2e_0123456789abcdef';

interface RunView {
  workflowId: string;
  status: string;
  searchAttributes: Record<string, unknown>;
  progress: { stepsDone: string[] } | null;
  result?: { salesOrderId: string; paymentId: string; confirmationMessageId: string };
}

describe('Shopify orders/create end to end: signed webhook → jq mapping → inbox → orderToCash on the dev server → sandbox connectors and SMTP', function () {
  this.timeout(180_000);
  const queueName = uniqueId('shopify-e2e-queue');
  let stack: ApiStack;
  let intake: EventIntake;
  let consumer: IntakeConsumer;
  let api: RunningApiServer;
  let readerKey: string;
  const call = keyedCall(
    () => api.url,
    () => readerKey,
  );

  before(async function () {
    stack = await startApiStack({ label: 'shopify_e2e', env: { REDIS_URL } });
    const env = { SHOPIFY_WEBHOOK_SECRET: SECRET };
    // The shipped file, loaded as EVENT_SOURCES_FILE would load it.
    const sources = await loadEventSources({ file: SHOPIFY_SOURCES_FILE, env, catalog: PROCESS_CATALOG });
    intake = await openEventIntake({
      config: stack.config,
      models: stack.db.models,
      connectors: stack.registry,
      env,
      sources,
      queueName,
    });
    ({ api, consumer } = await startIntakeApi(stack, intake, { redisUrl: REDIS_URL, queueName }));
    readerKey = await stack.createKey('ops', ['runs:read']);
  });

  after(async function () {
    await consumer?.close();
    await api?.close();
    await intake?.producer.queue.obliterate({ force: true }).catch(() => undefined);
    await intake?.close();
    await stack?.close();
  });

  /** POSTs the body as Shopify does: signed with the app secret, with its webhook headers. */
  function deliver(body: string, options: { webhookId?: string; secret?: string } = {}): Promise<Reply> {
    return fetch(`${api.url}/v1/events/shopify-orders`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'X-Shopify-Topic': 'orders/create',
        'X-Shopify-Shop-Domain': 'optik-example.myshopify.com',
        'X-Shopify-API-Version': '2025-01',
        'X-Shopify-Webhook-Id': options.webhookId ?? crypto.randomUUID(),
        'X-Shopify-Hmac-Sha256': hmacBase64(body, options.secret ?? SECRET),
      },
      body,
    }).then(replyOf);
  }

  const counts = async () => ({
    inbox: await stack.db.models.InboxEvent.count(),
    salesOrders: await countSandboxRecords(stack.db.models, 'erp.main', 'salesOrders'),
    payments: await countSandboxRecords(stack.db.models, 'payment.main', 'payments'),
  });
  const confirmations = (orderId: string) =>
    stack.smtp.messages.filter((m) => m.subject === `Your order ${orderId} is confirmed`);

  it('when Shopify posts a new order, then 202 once it is in the inbox, and orderToCash completes: a sales order, a captured payment of the lines, a confirmation email', async () => {
    const before = await counts();
    const id = newShopifyOrderId();
    const accepted = await deliver(shopifyOrderBody(id));
    expect(accepted.status, accepted.text).to.equal(202);
    expect(accepted.body).to.include({
      source: 'shopify-orders',
      eventId: `gid://shopify/Order/${id}`,
      workflowType: 'orderToCash',
      workflowId: `order-shopify-${id}`,
    });

    const run = await waitForRun<RunView>(call, `order-shopify-${id}`, undefined, { untilFound: true });
    expect(run.status).to.equal('COMPLETED');
    expect(run.searchAttributes).to.include({
      BusinessKey: `shopify-${id}`,
      CustomerEmail: 'anna.schmidt@example.com',
      OrderTotal: 198.8,
    });
    const mail = await stack.smtp.waitFor((m) => m.subject === `Your order shopify-${id} is confirmed`);
    expect(mail.text).to.contain('2 x SG-AVIATOR-BLK').and.contain('1 x TC-HARD-100').and.contain('€198.80');
    expect(await counts()).to.deep.equal({
      inbox: before.inbox + 1,
      salesOrders: before.salesOrders + 1,
      payments: before.payments + 1,
    });
    const payment = await stack.db.models.SandboxRecord.findOne({ where: { id: run.result?.paymentId ?? '' } });
    expect(payment?.data).to.include({ status: 'captured', capturedAmount: 19880 });
  });

  it('when Shopify delivers the same order again (a retry with its webhook id, or a replay under another), then 200 duplicate: one inbox row, one run, one sales order, one charge, one email', async () => {
    const id = newShopifyOrderId();
    const body = shopifyOrderBody(id);
    const webhookId = crypto.randomUUID();
    const first = await deliver(body, { webhookId });
    expect(first.status, first.text).to.equal(202);
    const before = await counts();

    const during = await Promise.all([deliver(body, { webhookId }), deliver(body)]);
    expect(during.map((reply) => [reply.status, reply.body.duplicate])).to.deep.equal([
      [200, true],
      [200, true],
    ]);
    await waitForRun<RunView>(call, `order-shopify-${id}`, undefined, { untilFound: true });
    await stack.smtp.waitFor((m) => m.subject === `Your order shopify-${id} is confirmed`);
    const after = await deliver(body, { webhookId });
    expect(after.status).to.equal(200);
    expect(after.body).to.include({ duplicate: true, status: 'done', outcome: 'started' });

    await new Promise((resolve) => setTimeout(resolve, 500)); // a duplicate would arrive within this
    expect(confirmations(`shopify-${id}`)).to.have.length(1);
    expect(await counts()).to.deep.equal({
      inbox: before.inbox,
      salesOrders: before.salesOrders + 1,
      payments: before.payments + 1,
    });
  });

  it("when the signature is not the app secret's, then 401 and nothing is stored or started", async () => {
    const before = await counts();
    const id = newShopifyOrderId();
    const refused = await deliver(shopifyOrderBody(id), { secret: 'not-the-app-secret' });
    expectProblem(refused, 401, 'invalid-signature');
    expect(await counts()).to.deep.equal(before);
    expect((await call('GET', `/v1/runs/order-shopify-${id}`)).status).to.equal(404);
  });

  it('when an order maps to an input orderToCash refuses, or its mapping fails, then 400 says why and the event is not accepted', async () => {
    const before = await counts();
    const noSku = newShopifyOrderId();
    const invalid = await deliver(
      changedShopifyOrderBody(noSku, (order) => {
        order.line_items[1]!.sku = null;
      }),
    );
    expectProblem(invalid, 400, 'validation-error');
    expect(invalid.body.errors).to.deep.equal([
      { field: 'lines[1].sku', message: 'Invalid input: expected string, received null' },
    ]);

    const badPrice = newShopifyOrderId();
    const failed = await deliver(
      changedShopifyOrderBody(badPrice, (order) => {
        order.line_items[0]!.price_set = { shop_money: { amount: '89,95', currency_code: 'EUR' } };
      }),
    );
    expectProblem(failed, 400, 'event-mapping-failed');
    expect(failed.body.detail).to.contain('"89,95" is not a decimal amount');

    expect(await counts()).to.deep.equal(before);
    for (const id of [noSku, badPrice])
      expect((await call('GET', `/v1/runs/order-shopify-${id}`)).status).to.equal(404);
  });
});
