import { expect } from 'chai';
import { decimalToMinor } from '../../connectors/money';
import { eventIdOf, mapEvent, type InputPreparation } from '../../server/intake/event-mapping';
import type { EventSource } from '../../server/intake/event-source';
import { loadEventSources } from '../../server/intake/event-sources-file';
import { PROCESS_CATALOG } from '../../workflows/catalog';
import type { OrderToCashInput } from '../../workflows/order-to-cash/order-to-cash.types';
import { refusal } from '../support/expect-app-error';
import {
  changedShopifyOrderBody,
  SHOPIFY_SOURCES_FILE,
  shopifyOrderBody,
  type ShopifyOrder,
} from '../support/shopify-orders';
import { hmacBase64 } from '../support/webhook-signing';

const SECRET = 'shpss_unit_0123456789abcdef';
const noDeployment: InputPreparation = {
  connectorDefaults: {},
  deployment: { unsupportedOperations: () => undefined },
};
const noHeaders = () => undefined;

describe('the shipped Shopify orders/create source (config/event-sources.shopify.yaml, real jq)', () => {
  let source: EventSource;
  before(async () => {
    const sources = await loadEventSources({
      file: SHOPIFY_SOURCES_FILE,
      env: { SHOPIFY_WEBHOOK_SECRET: SECRET },
      catalog: PROCESS_CATALOG,
    });
    expect(sources.map((s) => s.name)).to.deep.equal(['shopify-orders']);
    source = sources[0]!;
  });

  /** What the receiver does with a body once its signature holds: parse, event id, mapping. */
  function receive(body: string) {
    const event = JSON.parse(body) as unknown;
    return mapEvent(source, event, eventIdOf(source, noHeaders, event), noDeployment);
  }
  const inputOf = (body: string) => receive(body).command.input as OrderToCashInput;

  it('when Shopify posts the documented orders/create payload, then orderToCash gets the order, its customer and its lines in minor units', () => {
    const mapped = receive(shopifyOrderBody());
    expect(mapped.eventId).to.equal('gid://shopify/Order/7359421858163729431');
    expect(mapped.businessKey).to.equal('shopify-7359421858163729431');
    expect(mapped.command).to.include({
      mode: 'start',
      workflowType: 'orderToCash',
      workflowId: 'order-shopify-7359421858163729431',
    });
    expect(mapped.command.input).to.deep.equal({
      orderId: 'shopify-7359421858163729431',
      customer: {
        email: 'anna.schmidt@example.com',
        firstName: 'Anna',
        lastName: 'Schmidt',
        company: 'Schmidt Optik GmbH',
        phone: '+49 30 1234567',
      },
      currency: 'EUR',
      lines: [
        { sku: 'SG-AVIATOR-BLK', quantity: 2, unitAmount: 8995 },
        { sku: 'TC-HARD-100', quantity: 1, unitAmount: 1890 },
      ],
      payment: { token: 'shopify:gid://shopify/Order/7359421858163729431' },
    });
  });

  it('when the order id is past 2^53, then the run still carries its exact digits (from the gid, not the rounded number)', () => {
    const body = shopifyOrderBody();
    expect(String((JSON.parse(body) as { id: number }).id)).to.equal('7359421858163729000');
    expect(inputOf(body).orderId).to.equal('shopify-7359421858163729431');
  });

  it('when Shopify signs the raw body with the app secret, then the source verifies it, and refuses another secret or a changed body', () => {
    const body = shopifyOrderBody();
    const verify = (raw: string, signature: string) =>
      source.verifier.verify({
        header: (name) => (name.toLowerCase() === 'x-shopify-hmac-sha256' ? signature : undefined),
        rawBody: Buffer.from(raw, 'utf8'),
        now: new Date(),
      });
    expect(verify(body, hmacBase64(body, SECRET))).to.equal(null);
    expect(verify(body, hmacBase64(body, 'another-secret'))).to.be.a('string');
    expect(verify(body.replace('"89.95"', '"0.95"'), hmacBase64(body, SECRET))).to.be.a('string');
  });

  describe('amounts: decimal strings to minor units as connectors/money.ts computes them, with no float drift', () => {
    const priced = (currency: string, amount: string) =>
      changedShopifyOrderBody('7359421858163729431', (order) => {
        order.currency = currency;
        order.line_items = [
          { ...order.line_items[0], price: amount, price_set: { shop_money: { amount, currency_code: currency } } },
        ];
      });

    const cases: [string, string][] = [
      ['EUR', '89.95'],
      ['EUR', '19.99'],
      ['EUR', '4.35'], // 4.35 * 100 = 434.99999999999994 in floats
      ['EUR', '1.15'],
      ['EUR', '0.07'],
      ['EUR', '1234.5'],
      ['EUR', '100'],
      ['EUR', '1.005'], // past the currency's digits: half up, 101 (Math.round(1.005 * 100) gives 100)
      ['USD', '999999.99'],
      ['JPY', '1500'],
      ['JPY', '1500.00'],
      ['KWD', '1.234'],
      ['BHD', '12.5'],
    ];
    for (const [currency, amount] of cases) {
      it(`${amount} ${currency} → ${String(decimalToMinor(amount, currency))}`, () => {
        expect(inputOf(priced(currency, amount)).lines[0]!.unitAmount).to.equal(decimalToMinor(amount, currency));
      });
    }

    it("when a price is not a decimal string, then the event is refused with 400 and jq's message", () => {
      const error = refusal(() => receive(priced('EUR', '12,50')));
      expect(error.status).to.equal(400);
      expect(error.code).to.equal('event-mapping-failed');
      expect(error.detail).to.contain('"12,50" is not a decimal amount');
    });
  });

  it('when a guest order has no customer, then the names come from the billing address, and absent optional fields are left out', () => {
    const body = changedShopifyOrderBody('7359421858163729431', (order: ShopifyOrder) => {
      order.customer = null;
      order.billing_address = {
        ...order.billing_address,
        company: null,
        phone: null,
        first_name: 'Bea',
        last_name: 'Berg',
      };
      order.shipping_address = null;
    });
    expect(inputOf(body).customer).to.deep.equal({
      email: 'anna.schmidt@example.com',
      firstName: 'Bea',
      lastName: 'Berg',
    });
  });

  it('when a line has no SKU (a custom item), then the event is refused with 400 naming the line in the mapped input', () => {
    const body = changedShopifyOrderBody('7359421858163729431', (order) => {
      order.line_items[1]!.sku = null;
    });
    const error = refusal(() => receive(body));
    expect(error.status).to.equal(400);
    expect(error.detail).to.contain("The orderToCash input that the source's jq mapping made of this event is invalid");
    expect(error.errors?.map((e) => e.field)).to.deep.equal(['lines[1].sku']);
  });

  it('maps an order in milliseconds: one jq run per event', () => {
    const body = shopifyOrderBody();
    receive(body);
    const rounds = 200;
    const started = process.hrtime.bigint();
    for (let i = 0; i < rounds; i++) receive(body);
    const perEventMs = Number(process.hrtime.bigint() - started) / 1e6 / rounds;
    console.log(`      mapping one Shopify order (parse, event id, jq, schema): ${perEventMs.toFixed(2)} ms`);
    // A wide bound: a loaded machine must not fail it; it guards against a jq run per field.
    expect(perEventMs).to.be.below(50);
  });
});
