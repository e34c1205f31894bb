import { expect } from 'chai';
import { loadConfig } from '../../config';
import { createDefaultRegistry, type ConnectorRegistry } from '../../connectors/registry';
import { startStripeFake, type StripeFake } from '../fakes/stripe-fake';
import { connectorFailureOf } from '../support/expect-connector-error';
import { uniqueId } from '../support/order-fixtures';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { registryDeps } from '../../server/connectors/registry-deps';

const window = { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' };

describe('vendor instance settings configure the shared HTTP protection (registry → Stripe connector, Redis)', function () {
  this.timeout(30_000);
  let db: TestDatabase;
  let stripe: StripeFake;
  let registry: ConnectorRegistry;

  before(async () => {
    [db, stripe] = await Promise.all([createTestDatabase('resilience'), startStripeFake()]);
    registry = createDefaultRegistry(
      registryDeps(loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'error' }, false), db.models),
    );
  });

  after(async () => {
    await registry?.close();
    await stripe?.close();
    await db?.destroy();
  });

  it('when an instance sets a rate limit, then calls past its budget fail RATE_LIMITED without reaching the vendor', async () => {
    const name = `payment.${uniqueId('limited')}`;
    registry.defineInstance(name, {
      kind: 'payment',
      vendor: 'stripe',
      settings: { baseUrl: stripe.url, timeoutMs: 5000, rateLimit: { points: 2, durationSeconds: 5, maxWaitMs: 0 } },
      credentials: () => ({ secretKey: stripe.secretKey }),
    });
    const payments = registry.resolve('payment', name);
    const sent = stripe.requests.length;
    await payments.listPayments(window, null);
    await payments.listPayments(window, null);
    const error = await connectorFailureOf(payments.listPayments(window, null));
    expect(error).to.include({ code: 'RATE_LIMITED', retryable: true });
    expect(error.retryAfterMs).to.be.a('number').greaterThan(0);
    expect(stripe.requests.length - sent).to.equal(2);
  });

  it('when the rate limit settings are invalid, then resolving the instance names the field', async () => {
    const name = `payment.${uniqueId('bad')}`;
    registry.defineInstance(name, {
      kind: 'payment',
      vendor: 'stripe',
      settings: { baseUrl: stripe.url, rateLimit: { points: 0, durationSeconds: 1 } },
      credentials: () => ({ secretKey: stripe.secretKey }),
    });
    const error = (() => {
      try {
        registry.resolve('payment', name);
        return null;
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).to.contain('rateLimit.points');
  });
});
