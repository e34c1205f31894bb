import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { hubspotVendor } from '../../connectors/crm/hubspot';
import { describeHubSpotError } from '../../connectors/crm/hubspot/hubspot-rate-limits';
import { createHttpClient } from '../../connectors/http';
import type { HubSpotCrmConnector } from '../../connectors/crm/hubspot';
import { HubSpotFake, type HubSpotFakeOptions } from '../fakes/hubspot-fake';
import { connectorFailureOf } from '../support/expect-connector-error';

const email = () => `buyer-${randomBytes(4).toString('hex')}@shop.example`;
const HOUR_MS = 60 * 60 * 1000;
/** The fake's burst window: short, so that waiting it out keeps the suite fast. */
const INTERVAL_MS = 300;

describe('HubSpot rate limits against the HubSpot fake', function () {
  this.timeout(20_000);
  const fakes: HubSpotFake[] = [];
  const connectors: HubSpotCrmConnector[] = [];

  async function portal(options: HubSpotFakeOptions): Promise<{ fake: HubSpotFake; crm: HubSpotCrmConnector }> {
    const fake = await HubSpotFake.start(options);
    fakes.push(fake);
    const instance = {
      name: 'crm.hubspot-limits',
      settings: { baseUrl: fake.url, timeoutMs: 5_000 },
      credentials: { accessToken: fake.token },
    };
    const crm = hubspotVendor.create(instance, {} as Parameters<typeof hubspotVendor.create>[1]) as HubSpotCrmConnector;
    connectors.push(crm);
    return { fake, crm };
  }

  afterEach(async () => {
    await Promise.all(connectors.splice(0).map((crm) => crm.close()));
    await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  });

  it('when another app spent the burst budget, then a 429 TEN_SECONDLY_ROLLING without Retry-After waits the interval the headers give, and the next call waits it out', async () => {
    const { fake, crm } = await portal({ rateLimit: { max: 5, intervalMs: INTERVAL_MS } });
    fake.rateLimit.spend(5);
    const error = await connectorFailureOf(crm.findContactByEmail(email()));
    expect(error).to.include({ code: 'RATE_LIMITED', retryable: true, status: 429, retryAfterMs: INTERVAL_MS });
    expect(error.vendorMessage).to.contain('ten_secondly_rolling');
    expect(fake.rateLimit.rejected.TEN_SECONDLY_ROLLING).to.equal(1);

    const started = performance.now();
    expect(await crm.findContactByEmail(email())).to.equal(null);
    expect(performance.now() - started).to.be.at.least(INTERVAL_MS - 20);
    expect(fake.rateLimit.totalRejected).to.equal(1);
  });

  it('when searches exceed the search API’s per-second limit, then a header-less 429 SECONDLY waits one second, and the next search goes through after it', async () => {
    const { fake, crm } = await portal({ rateLimit: { searchPerSecond: 2 } });
    for (let i = 0; i < 3; i++) fake.store.seed('contacts', { email: `s-${i}@shop.example` }, Date.now() - 60_000 + i);
    await crm.listContactsChangedSince(null, 10);
    await crm.listContactsChangedSince(null, 10);
    const error = await connectorFailureOf(crm.listContactsChangedSince(null, 10));
    // The hold-off counts from the 429, not from the next call: the raw request below takes time too.
    const limitedAt = performance.now();
    expect(error).to.include({ code: 'RATE_LIMITED', retryable: true, status: 429, retryAfterMs: 1_000 });
    expect(error.vendorMessage).to.contain('secondly');

    // What the connector got: no X-HubSpot-RateLimit-* header to go by, only the body's policy.
    const raw = await fetch(`${fake.url}/crm/v3/objects/contacts/search`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${fake.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ filterGroups: [], sorts: [], properties: ['email'], limit: 1 }),
    });
    expect(raw.status).to.equal(429);
    expect(raw.headers.get('x-hubspot-ratelimit-max')).to.equal(null);
    expect(await raw.json()).to.include({ policyName: 'SECONDLY', category: 'RATE_LIMITS' });

    expect((await crm.listContactsChangedSince(null, 10)).items).to.have.length(3);
    expect(performance.now() - limitedAt).to.be.at.least(980);
    expect(fake.rateLimit.rejected.SECONDLY).to.equal(2);
  });

  it('when the daily limit is exhausted, then RATE_LIMITED stays retryable an hour later, says the daily limit is exhausted, and later calls fail without reaching HubSpot', async () => {
    const { fake, crm } = await portal({ rateLimit: { daily: 3 } });
    fake.rateLimit.spend(3);
    const error = await connectorFailureOf(crm.findContactByEmail(email()));
    expect(error).to.include({ code: 'RATE_LIMITED', retryable: true, status: 429, retryAfterMs: HOUR_MS });
    expect(error.vendorMessage).to.match(/daily API limit is exhausted.*midnight.*You have reached your daily limit/);

    const reached = fake.requests.length;
    const next = await connectorFailureOf(crm.upsertContact({ email: email() }, { idempotencyKey: `k-${email()}` }));
    expect(next).to.include({ code: 'RATE_LIMITED', retryable: true });
    expect(next.retryAfterMs).to.be.within(HOUR_MS - 5_000, HOUR_MS);
    expect(next.vendorMessage).to.contain('daily API limit is exhausted');
    expect(fake.requests.length).to.equal(reached);
    expect(fake.rateLimit.rejected.DAILY).to.equal(1);
  });

  it('when a response says the daily budget is down to 0, then the next call fails RATE_LIMITED before it provokes a 429', async () => {
    const { fake, crm } = await portal({ rateLimit: { daily: 2 } });
    await crm.findContactByEmail(email());
    await crm.findContactByEmail(email());
    const error = await connectorFailureOf(crm.findContactByEmail(email()));
    expect(error).to.include({ code: 'RATE_LIMITED', retryable: true });
    expect(error.retryAfterMs).to.be.within(HOUR_MS - 5_000, HOUR_MS);
    expect(error.vendorMessage).to.contain('daily API limit is exhausted');
    expect(fake.requests).to.have.length(2);
    expect(fake.rateLimit.totalRejected).to.equal(0);
  });

  it('when X-HubSpot-RateLimit-Remaining reaches 0, then the next call waits for the interval instead of provoking a 429', async () => {
    const { fake, crm } = await portal({ rateLimit: { max: 3, intervalMs: INTERVAL_MS } });
    const started = performance.now();
    for (let i = 0; i < 8; i++) expect(await crm.findContactByEmail(email())).to.equal(null);
    const elapsed = performance.now() - started;
    expect(fake.rateLimit.totalRejected).to.equal(0);
    expect(fake.requests).to.have.length(8);
    // Budgets of 3: calls 4 and 7 each wait one interval.
    expect(elapsed).to.be.at.least(2 * INTERVAL_MS - 20);
  });

  it('without the pace hook, the same calls reach a 429 on the fourth (the fake enforces the budget it announces)', async () => {
    const { fake } = await portal({ rateLimit: { max: 3, intervalMs: INTERVAL_MS } });
    const http = createHttpClient({
      connector: 'crm.hubspot-unpaced',
      baseURL: fake.url,
      timeoutMs: 5_000,
      headers: { Authorization: `Bearer ${fake.token}` },
      describeError: describeHubSpotError,
    });
    try {
      for (let i = 0; i < 3; i++) {
        const response = await http.request({ method: 'GET', url: '/crm/v3/objects/contacts', params: { limit: 1 } });
        expect(response.headers['x-hubspot-ratelimit-remaining']).to.equal(String(2 - i));
        expect(response.headers['x-hubspot-ratelimit-interval-milliseconds']).to.equal(String(INTERVAL_MS));
      }
      const error = await connectorFailureOf(http.get('/crm/v3/objects/contacts', { params: { limit: 1 } }));
      expect(error).to.include({ code: 'RATE_LIMITED', retryable: true, status: 429, retryAfterMs: INTERVAL_MS });
      expect(fake.rateLimit.rejected.TEN_SECONDLY_ROLLING).to.equal(1);
    } finally {
      await http.close();
    }
  });
});
