/**
 * The Stripe connector against Stripe's own OpenAPI spec (API 2023-08-16), served by Prism as a
 * validating mock. Every call goes through the connector; every answer must come without
 * `sl-violations`, and every response body must pass the connector's zod schemas. Prism answers
 * with generated examples (status "canceled", ids "string", has_more always true), so these tests
 * check the wire, not the payment states: those are test/integration/stripe-connector.test.ts's.
 */
import { expect } from 'chai';
import { createStripeConnector, type StripePaymentConnector } from '../../connectors/payment/stripe';
import type { TimeWindow } from '../../connectors/spi';
import { getPrismMock, prismViolations, type PrismMock } from '../support/prism-mock';
import { recordingHttpClient, type RecordedExchange, type RecordingHttpClient } from './recording-http-client';

const SPEC = 'stripe/stripe-payments.slim.prism.json';
const SECRET_KEY = 'sk_test_contract';

/** `/v1/payment_intents/pi_123/capture` → `/v1/payment_intents/{intent}/capture`, as the spec names paths. */
function operationOf(exchange: RecordedExchange): string {
  const path = exchange.url.replace(/^\/v1\/payment_intents\/(?!search)[^/]+/, '/v1/payment_intents/{intent}');
  return `${exchange.method} ${path}`;
}

describe('Stripe connector contract (Prism, stripe-payments.slim.prism.json)', function () {
  this.timeout(120_000);
  let prism: PrismMock;
  let recorder: RecordingHttpClient;
  let stripe: StripePaymentConnector;
  let seen = 0;

  /** The exchanges since the last call, each answered without error or violation. */
  function conformingExchanges(): RecordedExchange[] {
    const fresh = recorder.exchanges.slice(seen);
    seen = recorder.exchanges.length;
    expect(fresh, 'the connector called the mock').not.to.be.empty;
    for (const exchange of fresh) {
      expect(exchange.error, `${operationOf(exchange)} failed`).to.equal(undefined);
      expect(exchange.violations, `${operationOf(exchange)} violates the spec`).to.deep.equal([]);
      if (exchange.method === 'POST')
        expect(exchange.requestHeaders['Idempotency-Key'], `${operationOf(exchange)} carries the key`)
          .to.be.a('string')
          .and.not.equal('');
    }
    return fresh;
  }

  before(async () => {
    prism = await getPrismMock(SPEC);
    recorder = recordingHttpClient();
    stripe = createStripeConnector(
      'payment.contract',
      { baseUrl: prism.url, pageSize: 25 },
      { secretKey: SECRET_KEY },
      { decorateHttp: (http) => recorder.wrap(http) },
    );
  });

  it('validation is on: a malformed request is rejected with a 4xx and sl-violations', async () => {
    const response = await fetch(`${prism.url}/v1/payment_intents`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${SECRET_KEY}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'amount=twelve&currency=eur&capture_method=sometimes',
    });
    expect(response.status).to.be.within(400, 499);
    const violations = prismViolations(response.headers);
    expect(violations.map((v) => v.location.join('.'))).to.include.members([
      'request.body.amount',
      'request.body.capture_method',
    ]);
  });

  it('authorize: POST /v1/payment_intents, form-encoded, conforms', async () => {
    const payment = await stripe.authorize(
      {
        amount: { amount: 4498, currency: 'EUR' },
        paymentMethodToken: 'pm_card_visa',
        customerReference: 'order-1001',
        description: 'Order 1001',
      },
      { idempotencyKey: 'contract-authorize' },
    );
    expect(payment.id).to.be.a('string');
    const [create] = conformingExchanges();
    expect(operationOf(create!)).to.equal('POST /v1/payment_intents');
    expect(String(create!.data))
      .to.contain('metadata%5Breference%5D=order-1001')
      .and.contain('capture_method=manual')
      .and.contain('confirm=true');
    expect(create!.requestHeaders['Content-Type']).to.equal('application/x-www-form-urlencoded');
  });

  it('capture, partial and whole: POST /v1/payment_intents/{intent}/capture conforms', async () => {
    await stripe.capture('pi_contract', 1000, { idempotencyKey: 'contract-capture-partial' });
    await stripe.capture('pi_contract', null, { idempotencyKey: 'contract-capture-all' });
    const captures = conformingExchanges().filter(
      (e) => operationOf(e) === 'POST /v1/payment_intents/{intent}/capture',
    );
    expect(captures.map((e) => String(e.data))).to.deep.equal(['amount_to_capture=1000', '']);
  });

  it('voidAuthorization: POST /v1/payment_intents/{intent}/cancel conforms', async () => {
    await stripe.voidAuthorization('pi_contract', { idempotencyKey: 'contract-void' });
    expect(conformingExchanges().map(operationOf)).to.deep.equal(['POST /v1/payment_intents/{intent}/cancel']);
  });

  it('refund, partial and whole: POST /v1/refunds, then GET the intent and its refunds, conform', async () => {
    await stripe.refund('pi_contract', 500, { idempotencyKey: 'contract-refund-partial' });
    await stripe.refund('pi_contract', null, { idempotencyKey: 'contract-refund-rest' });
    const exchanges = conformingExchanges();
    const refunds = exchanges.filter((e) => operationOf(e) === 'POST /v1/refunds');
    expect(refunds.map((e) => String(e.data))).to.deep.equal([
      'payment_intent=pi_contract&amount=500',
      'payment_intent=pi_contract',
    ]);
    expect(exchanges.map(operationOf)).to.include.members(['GET /v1/payment_intents/{intent}', 'GET /v1/refunds']);
    const listRefunds = exchanges.find((e) => operationOf(e) === 'GET /v1/refunds');
    expect(listRefunds!.params).to.include({ payment_intent: 'pi_contract', limit: '100' });
  });

  it('listPayments with a window and a cursor: GET /v1/payment_intents with created[gte], created[lt], limit, starting_after conforms', async () => {
    const window: TimeWindow = { from: '2024-03-01T00:00:00Z', to: '2024-03-02T00:00:00Z' };
    const first = await stripe.listPayments(window, null);
    expect(first.nextCursor, 'Prism always answers has_more: true').to.be.a('string');
    await stripe.listPayments(window, first.nextCursor);
    const lists = conformingExchanges().filter((e) => operationOf(e) === 'GET /v1/payment_intents');
    expect(lists).to.have.length(2);
    expect(lists[0]!.params).to.deep.equal({ 'created[gte]': '1709251200', 'created[lt]': '1709337600', limit: '25' });
    expect(lists[1]!.params).to.include({ starting_after: first.nextCursor });
  });

  it('healthCheck: a one-item GET /v1/payment_intents conforms', async () => {
    await stripe.healthCheck();
    const [list] = conformingExchanges();
    expect(list!.params).to.deep.equal({ limit: '1' });
  });

  it('every operation the connector uses was exercised against the spec', () => {
    expect(new Set(recorder.exchanges.map(operationOf))).to.deep.equal(
      new Set([
        'POST /v1/payment_intents',
        'POST /v1/payment_intents/{intent}/capture',
        'POST /v1/payment_intents/{intent}/cancel',
        'GET /v1/payment_intents/{intent}',
        'GET /v1/payment_intents',
        'POST /v1/refunds',
        'GET /v1/refunds',
      ]),
    );
  });
});
