import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { HubSpotCrmConnector, hubspotVendor } from '../../connectors/crm/hubspot';
import type { Contact, CrmConnector } from '../../connectors/spi';
import { HubSpotFake } from '../fakes/hubspot-fake';
import { connectorFailureOf } from '../support/expect-connector-error';

const key = (step: string) => `hubspot-test-${randomBytes(6).toString('hex')}-${step}`;
const email = () => `buyer-${randomBytes(4).toString('hex')}@shop.example`;

function connectorFor(fake: HubSpotFake, token = fake.token): CrmConnector {
  const instance = {
    name: 'crm.hubspot-test',
    settings: { baseUrl: fake.url, timeoutMs: 5_000 },
    credentials: { accessToken: token },
  };
  return hubspotVendor.create(instance, {} as Parameters<typeof hubspotVendor.create>[1]) as CrmConnector;
}

/** Reads the feed to its end, from the start or from `cursor`. */
async function readFeed(
  crm: CrmConnector,
  pageSize: number,
  from: string | null = null,
): Promise<{ items: Contact[]; pages: number }> {
  const items: Contact[] = [];
  let cursor = from;
  let pages = 0;
  do {
    const page = await crm.listContactsChangedSince(cursor, pageSize);
    items.push(...page.items);
    cursor = page.nextCursor;
    pages++;
  } while (cursor !== null && pages < 100);
  return { items, pages };
}

describe('HubSpot CRM connector against the HubSpot fake', () => {
  let fake: HubSpotFake;
  let crm: CrmConnector;

  beforeEach(async () => {
    fake = await HubSpotFake.start();
    crm = connectorFor(fake);
  });
  afterEach(() => fake.close());

  it('registers as crm/hubspot, implements every CRM operation and passes its health check', async () => {
    expect(crm).to.be.instanceOf(HubSpotCrmConnector);
    expect(crm).to.include({ kind: 'crm', vendor: 'hubspot', name: 'crm.hubspot-test' });
    expect(crm.unsupported).to.deep.equal([]);
    await crm.healthCheck();
  });

  it('when the token is wrong, then UNAUTHORIZED, not retryable, with HubSpot’s message', async () => {
    const error = await connectorFailureOf(connectorFor(fake, 'pat-na1-revoked').healthCheck());
    expect(error).to.include({ code: 'UNAUTHORIZED', retryable: false, status: 401 });
    expect(error.vendorMessage).to.contain('Authentication credentials not found');
  });

  it('upserts a contact by email, updates it in place without blanking fields, and finds it by email', async () => {
    const address = email();
    const created = await crm.upsertContact(
      { email: address, firstName: 'Ada', lastName: 'Lovelace', phone: '+44 20 1234' },
      { idempotencyKey: key('c1') },
    );
    const updated = await crm.upsertContact(
      { email: address.toUpperCase(), company: 'Analytical Engines' },
      { idempotencyKey: key('c2') },
    );
    expect(updated).to.include({
      id: created.id,
      email: address,
      firstName: 'Ada',
      lastName: 'Lovelace',
      company: 'Analytical Engines',
    });
    expect(fake.store.count('contacts')).to.equal(1);
    const found = await crm.findContactByEmail(` ${address.toUpperCase()} `);
    expect(found).to.include({
      id: created.id,
      email: address,
      firstName: 'Ada',
      lastName: 'Lovelace',
      phone: '+44 20 1234',
      company: 'Analytical Engines',
    });
    expect(Date.parse(found?.updatedAt ?? '')).to.be.a('number').and.not.NaN;
    expect(await crm.findContactByEmail(email())).to.equal(null);
    const upsert = fake.requests.find((r) => r.path.endsWith('/batch/upsert'));
    expect(upsert?.body).to.deep.nested.include({ 'inputs[0].idProperty': 'email', 'inputs[0].id': address });
  });

  it('upserts companies by domain, reads them back, and a replayed key creates nothing new', async () => {
    const k = key('co');
    const first = await crm.upsertCompany({ name: 'Acme', domain: 'ACME.example' }, { idempotencyKey: k });
    expect(first).to.deep.equal({ id: first.id, name: 'Acme', domain: 'acme.example' });
    expect(await crm.upsertCompany({ name: 'Acme', domain: 'acme.example' }, { idempotencyKey: k })).to.deep.equal(
      first,
    );
    const renamed = await crm.upsertCompany(
      { name: 'Acme Corp', domain: 'acme.example' },
      { idempotencyKey: key('co2') },
    );
    expect(renamed).to.include({ id: first.id, name: 'Acme Corp' });
    expect(fake.store.count('companies')).to.equal(1);
    expect(await crm.getAccount(first.id)).to.deep.equal({ id: first.id, name: 'Acme Corp', domain: 'acme.example' });
    expect(await crm.getAccount('999999')).to.equal(null);
    expect(await crm.getAccount('not-an-id')).to.equal(null);
  });

  it('creates a deal associated with the contact, amount in major units; a replay returns the same deal', async () => {
    const contact = await crm.upsertContact({ email: email() }, { idempotencyKey: key('c') });
    const k = key('deal');
    const deal = await crm.createDeal(
      { name: 'Order 1001', contactId: contact.id, amount: { amount: 12345, currency: 'EUR' } },
      { idempotencyKey: k },
    );
    expect(deal.name).to.equal('Order 1001');
    const again = await crm.createDeal(
      { name: 'Order 1001', contactId: contact.id, amount: { amount: 12345, currency: 'EUR' } },
      { idempotencyKey: k },
    );
    expect(again).to.deep.equal(deal);
    expect(fake.store.count('deals')).to.equal(1);
    const stored = fake.store.records.deals.get(deal.id);
    expect(stored?.properties).to.include({
      amount: '123.45',
      deal_currency_code: 'EUR',
      pipeline: 'default',
      dealstage: 'appointmentscheduled',
      junction_idempotency_key: k,
    });
    expect(stored?.associations).to.deep.equal([{ toId: contact.id, typeId: 3 }]);
  });

  it('when the deal’s contact does not exist, then NOT_FOUND and no deal', async () => {
    const error = await connectorFailureOf(
      crm.createDeal(
        { name: 'Orphan', contactId: '424242', amount: { amount: 100, currency: 'EUR' } },
        { idempotencyKey: key('d') },
      ),
    );
    expect(error).to.include({ code: 'NOT_FOUND', retryable: false });
    expect(fake.store.count('deals')).to.equal(0);
  });

  it('when HubSpot rejects a property value, then INVALID_REQUEST, not retryable, with HubSpot’s message', async () => {
    const contact = await crm.upsertContact({ email: email() }, { idempotencyKey: key('c') });
    const error = await connectorFailureOf(
      crm.createDeal(
        { name: 'In pounds', contactId: contact.id, amount: { amount: 500, currency: 'GBP' } },
        { idempotencyKey: key('d') },
      ),
    );
    expect(error).to.include({ code: 'INVALID_REQUEST', retryable: false, status: 400 });
    expect(error.vendorMessage).to.contain('GBP was not one of the allowed options');
  });

  it('when an input is invalid, then INVALID_REQUEST before anything is sent', async () => {
    const before = fake.requests.length;
    expect(
      (await connectorFailureOf(crm.upsertContact({ email: 'not-an-email' }, { idempotencyKey: key('x') }))).code,
    ).to.equal('INVALID_REQUEST');
    expect((await connectorFailureOf(crm.upsertCompany({ name: 'Acme' }, { idempotencyKey: '' }))).code).to.equal(
      'INVALID_REQUEST',
    );
    expect((await connectorFailureOf(crm.listContactsChangedSince('bm90LWEtY3Vyc29y', 10))).vendorMessage).to.contain(
      'cursor',
    );
    expect(fake.requests.length).to.equal(before);
  });

  it('when HubSpot answers 429 with Retry-After, then RATE_LIMITED, retryable, waiting as asked', async () => {
    fake.throttleNext(1, { retryAfterSeconds: 3 });
    const error = await connectorFailureOf(crm.findContactByEmail(email()));
    expect(error).to.include({ code: 'RATE_LIMITED', retryable: true, status: 429, retryAfterMs: 3000 });
    expect(error.vendorMessage).to.contain('ten_secondly_rolling');
  });

  it('when a 429 carries only the X-HubSpot-RateLimit-* headers, then RATE_LIMITED waiting one rolling window', async () => {
    fake.throttleNext(1);
    const error = await connectorFailureOf(crm.upsertContact({ email: email() }, { idempotencyKey: key('c') }));
    expect(error).to.include({ code: 'RATE_LIMITED', retryable: true, retryAfterMs: 10_000 });
    expect(fake.store.count('contacts')).to.equal(0);
  });

  it('the fake answers a malformed search with 400 and HubSpot’s error body', async () => {
    const response = await fetch(`${fake.url}/crm/v3/objects/contacts/search`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${fake.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ filters: [{ propertyName: 'email', operator: 'EQ', value: 'a@b.example' }], limit: 10 }),
    });
    expect(response.status).to.equal(400);
    expect(await response.json())
      .to.include({ status: 'error', category: 'VALIDATION_ERROR' })
      .and.to.have.property('correlationId');
  });
});

describe('HubSpot contacts change feed (search paging) against the HubSpot fake', () => {
  let fake: HubSpotFake;
  let crm: CrmConnector;
  const base = Date.parse('2025-03-01T08:00:00.000Z');

  beforeEach(async () => {
    // A small result cap stands in for HubSpot's 10,000: the feed must read past it.
    fake = await HubSpotFake.start({ searchResultCap: 120 });
    crm = connectorFor(fake);
    for (let i = 0; i < 100; i++) fake.store.seed('contacts', { email: `early-${i}@shop.example` }, base + i * 1000);
    // 130 contacts changed in the same millisecond: more than one page and more than NOT_IN takes.
    for (let i = 0; i < 130; i++) fake.store.seed('contacts', { email: `bulk-${i}@shop.example` }, base + 200_000);
    for (let i = 0; i < 70; i++) fake.store.seed('contacts', { email: `late-${i}@shop.example` }, base + 300_000 + i);
    fake.store.seed('contacts', { firstname: 'No email' }, base + 400_000);
  });
  afterEach(() => fake.close());

  it('pages through every contact once, oldest change first, past the search result cap and a large tie', async () => {
    const { items, pages } = await readFeed(crm, 40);
    expect(pages).to.be.greaterThan(7);
    expect(items).to.have.length(300);
    expect(new Set(items.map((c) => c.id)).size).to.equal(300);
    const times = items.map((c) => Date.parse(c.updatedAt));
    expect(times).to.deep.equal([...times].sort((a, b) => a - b));
    const searches = fake.requests.filter((r) => r.path.endsWith('/search'));
    expect(searches.every((r) => (r.body as { limit: number }).limit <= 100)).to.equal(true);
  });

  it('when a contact changes while the feed is read, then it is not skipped but comes again later', async () => {
    const first = await crm.listContactsChangedSince(null, 50);
    const moved = first.items[0];
    fake.setClock(base + 500_000);
    await crm.upsertContact({ email: moved?.email ?? '', lastName: 'Changed' }, { idempotencyKey: key('m') });
    fake.setClock(null);
    const rest = await readFeed(crm, 50, first.nextCursor);
    const ids = [...first.items, ...rest.items].map((c) => c.id);
    expect(new Set(ids).size).to.equal(300);
    expect(rest.items.at(-1)).to.include({ id: moved?.id, lastName: 'Changed' });
  });

  it('when more contacts share one millisecond than NOT_IN takes, then the tie group is paged with `after`', async () => {
    const tie = await HubSpotFake.start();
    for (let i = 0; i < 250; i++) tie.store.seed('contacts', { email: `import-${i}@shop.example` }, base);
    tie.store.seed('contacts', { email: 'after-import@shop.example' }, base + 1);
    const { items } = await readFeed(connectorFor(tie), 40);
    expect(new Set(items.map((c) => c.id)).size).to.equal(251);
    expect(items).to.have.length(251);
    const bodies = tie.requests
      .filter((r) => r.path.endsWith('/search'))
      .map((r) => r.body as { after?: string; filterGroups: { filters: { values?: string[] }[] }[] });
    expect(bodies.some((b) => b.after !== undefined)).to.equal(true);
    expect(
      bodies.every((b) => b.filterGroups.every((g) => g.filters.every((f) => (f.values?.length ?? 0) <= 100))),
    ).to.equal(true);
    await tie.close();
  });

  it('clamps a page to HubSpot’s search limit of 100', async () => {
    const page = await crm.listContactsChangedSince(null, 500);
    expect(page.items).to.have.length(100);
    expect(page.nextCursor).to.be.a('string');
  });
});
