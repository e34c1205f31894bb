import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { countSandboxRecords } from '../../connectors/sandbox/sandbox-admin';
import type { RunningApiServer } from '../../server/api/server';
import { openEventIntake, type EventIntake } from '../../server/intake/event-intake';
import { loadEventSources } from '../../server/intake/event-sources-file';
import type { IntakeConsumer } from '../../server/intake/intake-consumer';
import { expectProblem, keyedCall, replyOf, waitForRun, type Reply } from '../support/api-client';
import { startIntakeApi } from '../support/intake-api';
import { uniqueId } from '../support/order-fixtures';
import {
  changedShopifyOrderBody,
  newShopifyOrderId,
  SHOPIFY_SOURCES_FILE,
  shopifyOrderBody,
} from '../support/shopify-orders';
import { terminateRuns } from '../support/temporal-cleanup';
import { hmacBase64 } from '../support/webhook-signing';
import { startFlowStack, type FlowRunView, type FlowStack } from './flow-stack.support';

/** A Redis database of this suite's own (its queue name is unique too). */
const REDIS_URL = 'redis://127.0.0.1:6379/12';
const SECRET = 'shpss_flow_e2e_0123456789abcdef';
const FLOW_TYPE = 'flow:order-to-cash';

/** The shipped Shopify source, its jq mapping unchanged, aimed at the flow instead of the code orderToCash. */
async function shopifySourceForTheFlow(dir: string): Promise<string> {
  const shipped = await readFile(SHOPIFY_SOURCES_FILE, 'utf8');
  const target = /^( +)type: orderToCash$/m;
  expect(shipped).to.match(target);
  const file = join(dir, 'event-sources.shopify-flow.yaml');
  await writeFile(file, shipped.replace(target, `$1type: ${FLOW_TYPE}`));
  return file;
}

describe('An event source starts a flow end to end: signed Shopify orders/create → jq mapping → inbox → flow:order-to-cash on the dev server', function () {
  this.timeout(180_000);
  const queueName = uniqueId('flow-event-queue');
  let dir: string;
  let stack: FlowStack;
  let intake: EventIntake;
  let consumer: IntakeConsumer;
  let api: RunningApiServer;
  let readerKey: string;
  const started = new Set<string>();
  const call = keyedCall(
    () => api.url,
    () => readerKey,
  );

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'junction-flow-sources-'));
    stack = await startFlowStack('flow_event_e2e', { REDIS_URL });
    const env = { SHOPIFY_WEBHOOK_SECRET: SECRET };
    // As the API role does: the sources resolve against the catalog once config/flows is published.
    const catalog = await stack.processes.resolver.list();
    const sources = await loadEventSources({ file: await shopifySourceForTheFlow(dir), env, catalog });
    intake = await openEventIntake({
      config: stack.config,
      models: stack.db.models,
      connectors: stack.registry,
      env,
      sources,
      catalog,
      queueName,
    });
    ({ api, consumer } = await startIntakeApi(stack, intake, { redisUrl: REDIS_URL, queueName }));
    readerKey = await stack.createKey('ops', ['runs:read']);
  });

  after(async () => {
    await consumer?.close();
    await api?.close();
    await intake?.producer.queue.obliterate({ force: true }).catch(() => undefined);
    await intake?.close();
    await terminateRuns(stack?.temporal, started);
    await stack?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  function deliver(body: string): Promise<Reply> {
    return fetch(`${api.url}/v1/events/shopify-orders`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'X-Shopify-Topic': 'orders/create',
        'X-Shopify-Webhook-Id': crypto.randomUUID(),
        'X-Shopify-Hmac-Sha256': hmacBase64(body, SECRET),
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

  it('when Shopify posts an order, then 202 and the flow run completes: one sales order, a captured payment of the lines, one email; a redelivery is a duplicate', async () => {
    const before = await counts();
    const id = newShopifyOrderId();
    const workflowId = `${FLOW_TYPE}:shopify-${id}`;
    started.add(workflowId);
    const body = shopifyOrderBody(id);
    const accepted = await deliver(body);
    expect(accepted.status, accepted.text).to.equal(202);
    expect(accepted.body).to.include({ source: 'shopify-orders', workflowType: FLOW_TYPE, workflowId });

    const run = await waitForRun<FlowRunView<{ paymentId: string; total: unknown }>>(call, workflowId, undefined, {
      untilFound: true,
    });
    expect(run.status, JSON.stringify(run)).to.equal('COMPLETED');
    expect(run.type).to.equal(FLOW_TYPE);
    expect(run.searchAttributes).to.include({ BusinessKey: `shopify-${id}`, ProcessStatus: 'COMPLETED' });
    expect(run.result?.total).to.deep.equal({ amount: 19880, currency: 'EUR' });
    const mail = await stack.smtp.waitFor((m) => m.subject === `Your order shopify-${id} is confirmed`);
    expect(mail.text).to.contain('2 × SG-AVIATOR-BLK').and.contain('1 × TC-HARD-100');
    const payment = await stack.db.models.SandboxRecord.findOne({ where: { id: run.result?.paymentId ?? '' } });
    expect(payment?.data).to.include({ status: 'captured', capturedAmount: 19880 });

    const again = await deliver(body);
    expect(again.status, again.text).to.equal(200);
    expect(again.body).to.include({ duplicate: true });
    await new Promise((resolve) => setTimeout(resolve, 500)); // a second run's email would arrive within this
    expect(confirmations(`shopify-${id}`)).to.have.length(1);
    expect(await counts()).to.deep.equal({
      inbox: before.inbox + 1,
      salesOrders: before.salesOrders + 1,
      payments: before.payments + 1,
    });
  });

  it("when the mapped input breaks the flow's input schema, then 400 names the field and nothing is accepted or started", async () => {
    const before = await counts();
    const id = newShopifyOrderId();
    const refused = await deliver(
      changedShopifyOrderBody(id, (order) => {
        order.line_items[1]!.sku = null;
      }),
    );
    expectProblem(refused, 400, 'validation-error');
    expect(refused.body.errors).to.deep.equal([{ field: 'lines[1].sku', message: 'must be string' }]);
    expect(await counts()).to.deep.equal(before);
    expect((await call('GET', `/v1/runs/${encodeURIComponent(`${FLOW_TYPE}:shopify-${id}`)}`)).status).to.equal(404);
  });
});
