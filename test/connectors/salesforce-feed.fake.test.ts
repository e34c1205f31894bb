import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { Contact, CrmConnector } from '../../connectors/spi';
import { SalesforceFake } from '../fakes/salesforce-fake';
import { connectorFailureOf } from '../support/expect-connector-error';
import { salesforceConnectorFor } from '../support/salesforce-connector';

/** Reads the feed until a page finds nothing new, from the start or from `cursor`. */
async function readFeed(
  crm: CrmConnector,
  pageSize: number,
  from: string | null = null,
): Promise<{ items: Contact[]; pages: number; last: string | null }> {
  const items: Contact[] = [];
  let cursor = from;
  let last = from;
  let pages = 0;
  do {
    const page = await crm.listContactsChangedSince(cursor, pageSize);
    items.push(...page.items);
    cursor = page.nextCursor;
    if (cursor !== null) last = cursor;
    pages++;
  } while (cursor !== null && pages < 100);
  return { items, pages, last };
}

const ids = (contacts: Contact[]) => contacts.map((c) => c.id);

describe('Salesforce contacts change feed (SOQL query locators) against the Salesforce fake', () => {
  const base = Date.parse('2025-03-01T08:00:00.000Z');
  let fake: SalesforceFake;
  let crm: CrmConnector;
  const queries = () => fake.requests.filter((r) => r.path === '/services/data/v60.0/query');
  const locatorReads = () => fake.requests.filter((r) => /\/query\/01g\w+-\d+$/.test(r.path));

  beforeEach(async () => {
    // Batches of 5 stand in for Salesforce's 200..2000, so a few records span several batches.
    fake = await SalesforceFake.start({ batchSize: 5 });
    crm = salesforceConnectorFor(fake);
    for (let i = 0; i < 10; i++)
      fake.store.seed('Contact', { Email: `early-${i}@shop.example`, LastName: 'Early' }, base + i * 1000);
    // Six contacts changed in the same second: only Id orders them.
    for (let i = 0; i < 6; i++)
      fake.store.seed('Contact', { Email: `bulk-${i}@shop.example`, LastName: 'Bulk' }, base + 20_000);
    for (let i = 0; i < 6; i++)
      fake.store.seed('Contact', { Email: `late-${i}@shop.example`, LastName: 'Late' }, base + 30_000 + i * 1000);
    fake.store.seed('Contact', { LastName: 'No email' }, base + 40_000);
  });
  afterEach(() => fake.close());

  it('pages through every contact once by nextRecordsUrl, oldest change first, ties in Id order, then once more from the checkpoint', async () => {
    const { items, pages } = await readFeed(crm, 5);
    expect(items).to.have.length(22);
    expect(new Set(ids(items)).size).to.equal(22);
    const order = items.map((c) => `${c.updatedAt}|${c.id}`);
    expect(order).to.deep.equal([...order].sort());
    expect(pages).to.equal(6);
    expect(locatorReads()).to.have.length(4);
    expect(queries()).to.have.length(2);
    expect(queries()[0]?.headers['sforce-query-options']).to.equal('batchSize=200');
    expect(queries()[0]?.query.q).to.equal(
      'SELECT Id, Email, FirstName, LastName, Phone, Account.Name, LastModifiedDate FROM Contact ORDER BY LastModifiedDate, Id',
    );
    expect(queries()[1]?.query.q).to.match(
      /WHERE \(LastModifiedDate > 2025-03-01T08:00:40Z OR \(LastModifiedDate = 2025-03-01T08:00:40Z AND Id > '003\w{15}'\)\)/,
    );
  });

  it('when a page is smaller than Salesforce’s batch, then the rest is read from the (LastModifiedDate, Id) checkpoint, skipping no tie', async () => {
    const { items, pages } = await readFeed(crm, 3);
    expect(ids(items)).to.have.length(22);
    expect(new Set(ids(items)).size).to.equal(22);
    expect(pages).to.equal(9);
    expect(locatorReads()).to.have.length(0);
  });

  it('when the query locator has expired, then the feed goes on from the checkpoint without losing or repeating a contact', async () => {
    const first = await crm.listContactsChangedSince(null, 5);
    fake.expireQueryLocators();
    const rest = await readFeed(crm, 5, first.nextCursor);
    const all = ids([...first.items, ...rest.items]);
    expect(all).to.have.length(22);
    expect(new Set(all).size).to.equal(22);
    expect(fake.requests.filter((r) => r.status === 400).map((r) => r.path)).to.have.length(1);
  });

  it('when a contact changes while the feed is read, then it is not skipped but comes again later; a later sync resumes from the last cursor', async () => {
    const first = await crm.listContactsChangedSince(null, 5);
    const moved = first.items[0]!;
    fake.setClock(base + 100_000);
    await crm.upsertContact(
      { email: moved.email, lastName: 'Changed' },
      { idempotencyKey: `feed-${randomBytes(4).toString('hex')}` },
    );
    fake.setClock(null);
    const rest = await readFeed(crm, 5, first.nextCursor);
    expect(new Set(ids([...first.items, ...rest.items])).size).to.equal(22);
    expect(rest.items.at(-1)).to.include({ id: moved.id, lastName: 'Changed' });

    fake.store.seed('Contact', { Email: 'newcomer@shop.example', LastName: 'New' }, base + 200_000);
    const later = await readFeed(crm, 5, rest.last);
    expect(later.items.map((c) => c.email)).to.deep.equal(['newcomer@shop.example']);
  });

  it('a page holds at most one Salesforce batch, and a page size of 0 is refused', async () => {
    const page = await crm.listContactsChangedSince(null, 1000);
    expect(page.items).to.have.length(5);
    expect((await connectorFailureOf(crm.listContactsChangedSince(null, 0))).code).to.equal('INVALID_REQUEST');
  });
});
