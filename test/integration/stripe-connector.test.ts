import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { ZodError } from 'zod';
import { createStripeConnector, type StripePaymentConnector } from '../../connectors/payment/stripe';
import type { AuthorizationInput, Payment, TimeWindow } from '../../connectors/spi';
import { connectorFailureOf } from '../support/expect-connector-error';
import { startStripeFake, type StripeFake } from '../fakes/stripe-fake';
import { allPages } from '../support/all-pages';

const unique = () => randomBytes(4).toString('hex');
const key = (label: string) => `${label}-${unique()}`;
const authorization = (overrides: Partial<AuthorizationInput> = {}): AuthorizationInput => ({
  amount: { amount: 4498, currency: 'EUR' },
  paymentMethodToken: 'pm_card_visa',
  customerReference: `order-${unique()}`,
  ...overrides,
});

describe('Stripe payment connector (stateful Stripe fake)', function () {
  this.timeout(30_000);
  let fake: StripeFake;
  let stripe: StripePaymentConnector;

  const connector = (settings: Record<string, unknown> = {}, secretKey = fake.secretKey) =>
    createStripeConnector(
      `payment.stripe-${unique()}`,
      { baseUrl: fake.url, timeoutMs: 5000, ...settings },
      { secretKey },
    );
  const posts = () => fake.requests.filter((r) => r.method === 'POST');

  before(async () => {
    fake = await startStripeFake();
    stripe = connector();
  });

  after(() => fake?.close());

  it('authorizes with a form-encoded, confirmed, manual-capture PaymentIntent carrying the reference, the API version and the idempotency key', async () => {
    const idempotencyKey = key('auth');
    const input = authorization({ description: 'Order 1001' });
    const payment = await stripe.authorize(input, { idempotencyKey });
    expect(payment).to.deep.include({
      status: 'authorized',
      amount: { amount: 4498, currency: 'EUR' },
      capturedAmount: 0,
      refundedAmount: 0,
      reference: input.customerReference,
    });
    expect(payment.id).to.match(/^pi_/);
    expect(Date.parse(payment.createdAt)).to.be.closeTo(Date.now(), 5000);

    const sent = posts().at(-1)!;
    expect(sent.path).to.equal('/v1/payment_intents');
    expect(sent.headers['content-type']).to.match(/^application\/x-www-form-urlencoded/);
    expect(sent.headers['idempotency-key']).to.equal(idempotencyKey);
    expect(sent.headers['stripe-version']).to.equal('2023-08-16');
    expect(sent.headers.authorization).to.equal(`Bearer ${fake.secretKey}`);
    expect(sent.body.split('&')).to.include.members([
      'amount=4498',
      'currency=eur',
      'payment_method=pm_card_visa',
      'capture_method=manual',
      'confirm=true',
      'error_on_requires_action=true',
      'automatic_payment_methods[allow_redirects]=never',
      `metadata[reference]=${input.customerReference}`,
      'description=Order 1001',
    ]);
  });

  it('when a write is replayed with the same Idempotency-Key, then Stripe answers the first response and nothing new is created', async () => {
    const idempotencyKey = key('replay');
    const input = authorization();
    const before = fake.intents.size;
    const first = await stripe.authorize(input, { idempotencyKey });
    const second = await stripe.authorize(input, { idempotencyKey });
    expect(second).to.deep.equal(first);
    expect(fake.intents.size).to.equal(before + 1);

    const captureKey = key('cap');
    const captured = await stripe.capture(first.id, 1000, { idempotencyKey: captureKey });
    expect(await stripe.capture(first.id, 1000, { idempotencyKey: captureKey })).to.deep.equal(captured);
    const refundKey = key('ref');
    await stripe.refund(first.id, 300, { idempotencyKey: refundKey });
    await stripe.refund(first.id, 300, { idempotencyKey: refundKey });
    expect(fake.refunds.filter((r) => r.payment_intent === first.id)).to.have.length(1);
    expect(
      posts().every((r) => typeof r.headers['idempotency-key'] === 'string' && r.headers['idempotency-key'] !== ''),
    ).to.equal(true);
  });

  it('when the answer to an authorization is lost, then NETWORK is retryable and the retry with the same key returns the one payment created', async () => {
    const idempotencyKey = key('lost');
    const input = authorization();
    const before = fake.intents.size;
    fake.loseNextAnswer();
    const error = await connectorFailureOf(stripe.authorize(input, { idempotencyKey }));
    expect(error.toDetails()).to.include({ code: 'NETWORK', retryable: true });
    expect(fake.intents.size).to.equal(before + 1);
    const retried = await stripe.authorize(input, { idempotencyKey });
    expect(retried.status).to.equal('authorized');
    expect(fake.intents.size).to.equal(before + 1);
  });

  it('when the same key comes with other parameters, then CONFLICT (idempotency_error), not retryable', async () => {
    const idempotencyKey = key('mismatch');
    await stripe.authorize(authorization(), { idempotencyKey });
    const error = await connectorFailureOf(
      stripe.authorize(authorization({ amount: { amount: 1, currency: 'EUR' } }), { idempotencyKey }),
    );
    expect(error.toDetails()).to.include({ code: 'CONFLICT', retryable: false, status: 400 });
    expect(error.vendorMessage).to.contain('idempotent requests');
  });

  it('authorize → partial capture → partial refund → the rest refunded, where a finished step answers the payment as it is', async () => {
    const payment = await stripe.authorize(authorization(), { idempotencyKey: key('auth') });
    expect(
      (await connectorFailureOf(stripe.refund(payment.id, null, { idempotencyKey: key('early') }))).toDetails(),
    ).to.include({ code: 'CONFLICT', retryable: false });

    const captured = await stripe.capture(payment.id, 4000, { idempotencyKey: key('cap') });
    expect(captured).to.include({ status: 'captured', capturedAmount: 4000, refundedAmount: 0 });
    expect(posts().at(-1)!.body).to.equal('amount_to_capture=4000');
    // Stripe forgets keys after 24 h: a later capture with a new key finds the payment captured.
    expect(await stripe.capture(payment.id, null, { idempotencyKey: key('cap-later') })).to.deep.equal(captured);
    expect(
      (await connectorFailureOf(stripe.voidAuthorization(payment.id, { idempotencyKey: key('void') }))).toDetails(),
    ).to.include({ code: 'CONFLICT', retryable: false });

    const partial = await stripe.refund(payment.id, 1500, { idempotencyKey: key('ref1') });
    expect(partial).to.include({ status: 'partially_refunded', capturedAmount: 4000, refundedAmount: 1500 });
    const tooMuch = await connectorFailureOf(stripe.refund(payment.id, 9000, { idempotencyKey: key('ref-big') }));
    expect(tooMuch.toDetails()).to.include({ code: 'INVALID_REQUEST', retryable: false, status: 400 });
    const refunded = await stripe.refund(payment.id, null, { idempotencyKey: key('ref2') });
    expect(refunded).to.include({ status: 'refunded', refundedAmount: 4000 });
    expect(await stripe.refund(payment.id, null, { idempotencyKey: key('ref3') })).to.deep.equal(refunded);
  });

  it('authorize → void, after which a capture is a CONFLICT and another void answers the voided payment', async () => {
    const payment = await stripe.authorize(authorization(), { idempotencyKey: key('auth') });
    const voided = await stripe.voidAuthorization(payment.id, { idempotencyKey: key('void') });
    expect(voided).to.include({ status: 'voided', capturedAmount: 0 });
    expect(posts().at(-1)!.path).to.equal(`/v1/payment_intents/${payment.id}/cancel`);
    expect(await stripe.voidAuthorization(payment.id, { idempotencyKey: key('void-again') })).to.deep.equal(voided);
    const error = await connectorFailureOf(stripe.capture(payment.id, null, { idempotencyKey: key('cap') }));
    expect(error.toDetails()).to.deep.include({
      code: 'CONFLICT',
      retryable: false,
      vendorMessage: `Payment ${payment.id} was voided and cannot be captured`,
    });
    expect(
      (await connectorFailureOf(stripe.capture('pi_missing', null, { idempotencyKey: key('cap') }))).toDetails(),
    ).to.include({ code: 'NOT_FOUND', status: 404 });
  });

  it("when the card is declined (402 card_declined), then PAYMENT_DECLINED, not retryable, with Stripe's message", async () => {
    const error = await connectorFailureOf(
      stripe.authorize(authorization({ paymentMethodToken: 'pm_card_chargeDeclined' }), {
        idempotencyKey: key('declined'),
      }),
    );
    expect(error.toDetails()).to.deep.equal({
      code: 'PAYMENT_DECLINED',
      retryable: false,
      status: 402,
      vendorMessage: 'Your card was declined. (generic_decline)',
    });
    const authentication = await connectorFailureOf(
      stripe.authorize(authorization({ paymentMethodToken: 'pm_card_authenticationRequired' }), {
        idempotencyKey: key('3ds'),
      }),
    );
    expect(authentication.toDetails()).to.include({ code: 'PAYMENT_DECLINED', retryable: false, status: 402 });
    expect(authentication.vendorMessage).to.contain('requires authentication');
  });

  it('when Stripe rate-limits (429 with Retry-After), then RATE_LIMITED, retryable, with retryAfterMs', async () => {
    fake.failNext({
      status: 429,
      headers: { 'Retry-After': '2' },
      error: { type: 'invalid_request_error', code: 'rate_limit', message: 'Request rate limit exceeded.' },
    });
    const error = await connectorFailureOf(stripe.authorize(authorization(), { idempotencyKey: key('rl') }));
    expect(error.toDetails()).to.deep.equal({
      code: 'RATE_LIMITED',
      retryable: true,
      status: 429,
      vendorMessage: 'Request rate limit exceeded.',
      retryAfterMs: 2000,
    });
  });

  it('maps 401 to UNAUTHORIZED, 409 to CONFLICT, 424 and 5xx to retryable VENDOR_UNAVAILABLE', async () => {
    const wrongKey = connector({}, 'sk_test_wrong');
    expect(
      (await connectorFailureOf(wrongKey.authorize(authorization(), { idempotencyKey: key('401') }))).toDetails(),
    ).to.include({ code: 'UNAUTHORIZED', retryable: false, status: 401 });
    expect((await connectorFailureOf(wrongKey.healthCheck())).code).to.equal('UNAUTHORIZED');
    const cases = [
      {
        status: 409,
        code: 'CONFLICT',
        retryable: false,
        error: {
          type: 'idempotency_error' as const,
          message: 'There is currently another in-progress request using this Idempotent Key.',
        },
      },
      {
        status: 424,
        code: 'VENDOR_UNAVAILABLE',
        retryable: true,
        error: { type: 'api_error' as const, message: 'The card network did not answer.' },
      },
      {
        status: 500,
        code: 'VENDOR_UNAVAILABLE',
        retryable: true,
        error: { type: 'api_error' as const, message: 'An unknown error occurred' },
      },
    ];
    for (const { status, code, retryable, error } of cases) {
      fake.failNext({ status, error });
      const failure = await connectorFailureOf(
        stripe.authorize(authorization(), { idempotencyKey: key(String(status)) }),
      );
      expect(failure.toDetails(), String(status)).to.deep.include({
        code,
        retryable,
        status,
        vendorMessage: error.message,
      });
    }
  });

  it('pages through a window with starting_after until has_more is false, newest first, leaving out payments outside the window', async () => {
    const paged = connector({ pageSize: 3 });
    const base = 1_900_000_000;
    fake.setClock(base - 10);
    const outside = await paged.authorize(authorization(), { idempotencyKey: key('before') });
    const inside: Payment[] = [];
    try {
      for (let i = 0; i < 7; i++) {
        fake.setClock(base + i);
        inside.push(
          await paged.authorize(authorization({ amount: { amount: 100 + i, currency: 'USD' } }), {
            idempotencyKey: key('in'),
          }),
        );
      }
      fake.setClock(base + 100);
      await paged.authorize(authorization(), { idempotencyKey: key('after') });
    } finally {
      fake.setClock(null);
    }
    await paged.capture(inside[2]!.id, null, { idempotencyKey: key('cap') });
    await paged.refund(inside[2]!.id, 50, { idempotencyKey: key('ref') });

    const window: TimeWindow = {
      from: new Date(base * 1000).toISOString(),
      to: new Date((base + 7) * 1000).toISOString(),
    };
    const listed = await allPages((cursor) => paged.listPayments(window, cursor));
    expect(listed.pages).to.equal(3);
    expect(listed.items.map((p) => p.id)).to.deep.equal(inside.map((p) => p.id).reverse());
    expect(listed.items.map((p) => p.id)).not.to.include(outside.id);
    expect(listed.items.find((p) => p.id === inside[2]!.id)).to.include({
      status: 'partially_refunded',
      capturedAmount: 102,
      refundedAmount: 50,
    });
    expect(listed.items.map((p) => p.amount.currency)).to.satisfy((currencies: string[]) =>
      currencies.every((c) => c === 'USD'),
    );

    const lists = fake.requests.filter((r) => r.method === 'GET' && r.path === '/v1/payment_intents');
    expect(lists.at(-3)!.query.get('created[gte]')).to.equal(String(base));
    expect(lists.at(-3)!.query.get('created[lt]')).to.equal(String(base + 7));
    expect(lists.at(-3)!.query.get('limit')).to.equal('3');
    expect(lists.at(-3)!.query.has('starting_after')).to.equal(false);
    expect(lists.at(-1)!.query.get('starting_after')).to.equal(listed.items[5]!.id);
    expect(await paged.listPayments({ from: '2020-01-01T00:00:00Z', to: '2020-01-02T00:00:00Z' }, null)).to.deep.equal({
      items: [],
      nextCursor: null,
    });
  });

  it('rejects bad input before calling Stripe, and bad settings with the field named but not its value', async () => {
    const before = fake.requests.length;
    const cases = [
      stripe.authorize(authorization({ amount: { amount: 12.5, currency: 'EUR' } }), { idempotencyKey: key('x') }),
      stripe.authorize(authorization({ amount: { amount: 100, currency: 'eur' } }), { idempotencyKey: key('x') }),
      stripe.authorize(authorization(), { idempotencyKey: '' }),
      stripe.capture('pi_1', -5, { idempotencyKey: key('x') }),
      stripe.listPayments({ from: 'yesterday', to: new Date().toISOString() }, null),
    ];
    for (const call of cases)
      expect((await connectorFailureOf(call)).toDetails()).to.include({ code: 'INVALID_REQUEST', retryable: false });
    expect(fake.requests.length).to.equal(before);

    let thrown: unknown;
    try {
      createStripeConnector('payment.bad', { baseUrl: 'ftp://stripe.example' }, { secretKey: '' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.be.instanceOf(ZodError);
    expect((thrown as ZodError).issues.map((i) => i.path.join('.'))).to.deep.equal(['baseUrl']);
    expect(JSON.stringify((thrown as ZodError).issues)).not.to.contain('ftp://stripe.example');
    expect(() => createStripeConnector('payment.bad', {}, { secretKey: '' })).to.throw(ZodError, /secretKey/);
  });

  it('passes its health check with a one-item list', async () => {
    await stripe.healthCheck();
    const last = fake.requests.at(-1)!;
    expect([last.method, last.path, last.query.get('limit')]).to.deep.equal(['GET', '/v1/payment_intents', '1']);
  });
});
