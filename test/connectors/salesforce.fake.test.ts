import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import {
  credentialsSchema,
  idempotencyValue,
  SalesforceCrmConnector,
  salesforceVendor,
  settingsSchema,
} from '../../connectors/crm/salesforce';
import type { CrmConnector } from '../../connectors/spi';
import { SalesforceFake } from '../fakes/salesforce-fake';
import { recordId } from '../fakes/salesforce-fake-schema';
import { connectorFailureOf } from '../support/expect-connector-error';
import { salesforceConnectorFor } from '../support/salesforce-connector';

const key = (step: string) => `salesforce-test-${randomBytes(6).toString('hex')}-${step}`;
const email = () => `buyer-${randomBytes(4).toString('hex')}@shop.example`;
const rsaPem = () =>
  generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const USER = 'integration@acme.example';
const AUDIENCE = 'https://login.salesforce.com';

describe('Salesforce CRM connector against the Salesforce fake', () => {
  const keyPair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwtCredentials = (
    fake: SalesforceFake,
    pem = keyPair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  ) => ({
    type: 'jwtBearer',
    tokenUrl: fake.tokenUrl,
    clientId: fake.clientId,
    username: USER,
    privateKeyPem: pem,
    audience: AUDIENCE,
  });
  let fake: SalesforceFake;
  let crm: CrmConnector;
  const queries = () => fake.requests.filter((r) => r.path.endsWith('/query')).map((r) => r.query.q ?? '');

  beforeEach(async () => {
    fake = await SalesforceFake.start({ jwt: { publicKey: keyPair.publicKey, username: USER, audience: AUDIENCE } });
    crm = salesforceConnectorFor(fake);
  });
  afterEach(() => fake.close());

  it('registers as crm/salesforce with its schemas, implements every CRM operation and passes its health check on a client-credentials token', async () => {
    expect(salesforceVendor).to.include({ kind: 'crm', vendor: 'salesforce', settingsSchema, credentialsSchema });
    expect(crm).to.be.instanceOf(SalesforceCrmConnector);
    expect(crm).to.include({ kind: 'crm', vendor: 'salesforce', name: 'crm.salesforce-test' });
    expect(crm.unsupported).to.deep.equal([]);
    await crm.healthCheck();
    expect(fake.oauth.grants).to.deep.equal(['client_credentials']);
    expect(fake.requests[0]?.path).to.equal('/services/data/v60.0/query');
    expect(settingsSchema.safeParse({ instanceUrl: 'http://acme.my.salesforce.com' }).success).to.equal(false);
    expect(credentialsSchema.safeParse({ type: 'bearer', token: 'session-id' }).success).to.equal(false);
  });

  it('authenticates with the JWT bearer flow (RS256 assertion); an assertion signed with another key is refused as UNAUTHORIZED', async () => {
    await salesforceConnectorFor(fake, jwtCredentials(fake)).healthCheck();
    expect(fake.oauth.grants).to.deep.equal(['urn:ietf:params:oauth:grant-type:jwt-bearer']);
    const error = await connectorFailureOf(salesforceConnectorFor(fake, jwtCredentials(fake, rsaPem())).healthCheck());
    expect(error).to.include({ code: 'UNAUTHORIZED', retryable: false });
    expect(error.vendorMessage).to.contain('invalid assertion');
  });

  it('creates a contact by External ID upsert (LastName placeholder), updates it without blanking fields, links its company and finds it by email', async () => {
    const address = email();
    const created = await crm.upsertContact(
      { email: address.toUpperCase(), firstName: 'Ada' },
      { idempotencyKey: key('c1') },
    );
    expect(created).to.include({ email: address, firstName: 'Ada', lastName: '[not provided]' });
    expect(
      fake.requests.some(
        (r) =>
          r.method === 'PATCH' &&
          r.path === `/services/data/v60.0/sobjects/Contact/Junction_Email__c/${encodeURIComponent(address)}`,
      ),
    ).to.equal(true);
    const updated = await crm.upsertContact(
      { email: address, lastName: 'Lovelace', company: 'Analytical Engines' },
      { idempotencyKey: key('c2') },
    );
    expect(updated).to.include({
      id: created.id,
      firstName: 'Ada',
      lastName: 'Lovelace',
      company: 'Analytical Engines',
    });
    expect([fake.store.count('Contact'), fake.store.count('Account')]).to.deep.equal([1, 1]);
    const found = await crm.findContactByEmail(` ${address.toUpperCase()} `);
    expect(found).to.deep.equal(updated);
    expect(Date.parse(found?.updatedAt ?? '')).to.be.a('number').and.not.NaN;
    expect(await crm.findContactByEmail(email())).to.equal(null);
  });

  it('updates a contact a person created in Salesforce (found by Email) instead of adding a second one', async () => {
    const person = fake.store.seed('Contact', { Email: 'Grace@Navy.example', LastName: 'Hopper' });
    const contact = await crm.upsertContact(
      { email: 'grace@navy.example', firstName: 'Grace' },
      { idempotencyKey: key('c') },
    );
    expect(contact).to.include({ id: person.Id, firstName: 'Grace', lastName: 'Hopper' });
    expect(fake.store.count('Contact')).to.equal(1);
  });

  it('escapes quotes and backslashes in SOQL: an email with a quote is found, injection attempts find nothing', async () => {
    await crm.upsertContact({ email: email(), lastName: 'Other' }, { idempotencyKey: key('o') });
    const address = `o'brien-${randomBytes(3).toString('hex')}@shop.example`;
    const created = await crm.upsertContact({ email: address, lastName: "O'Brien" }, { idempotencyKey: key('q') });
    expect(await crm.findContactByEmail(address)).to.include({ id: created.id, lastName: "O'Brien" });
    expect(queries().some((q) => q.includes(`Email = '${address.replace("'", "\\'")}'`))).to.equal(true);
    expect(await crm.findContactByEmail("x' OR Email != '")).to.equal(null);
    expect(await crm.findContactByEmail("x\\' OR Email != '")).to.equal(null);
    const name = "Back\\slash 'n' Co";
    const first = await crm.upsertCompany({ name }, { idempotencyKey: key('n1') });
    expect(await crm.upsertCompany({ name }, { idempotencyKey: key('n2') })).to.deep.equal({ id: first.id, name });
    expect(fake.requests.every((r) => r.status === 200 || r.status === 201 || r.status === 204)).to.equal(true);
  });

  it('upserts companies by domain (also as a person typed the Website), reads them back, and a replayed key creates nothing new', async () => {
    const k = key('co');
    const first = await crm.upsertCompany({ name: 'Acme', domain: 'ACME.example' }, { idempotencyKey: k });
    expect(first).to.deep.equal({ id: first.id, name: 'Acme', domain: 'acme.example' });
    expect(await crm.upsertCompany({ name: 'Acme', domain: 'acme.example' }, { idempotencyKey: k })).to.deep.equal(
      first,
    );
    expect(
      await crm.upsertCompany({ name: 'Acme Corp', domain: 'acme.example' }, { idempotencyKey: key('co2') }),
    ).to.include({ id: first.id, name: 'Acme Corp' });
    const typed = fake.store.seed('Account', { Name: 'Globex', Website: 'https://www.globex.example/' });
    expect(
      await crm.upsertCompany({ name: 'Globex Corporation', domain: 'globex.example' }, { idempotencyKey: key('g') }),
    ).to.include({ id: typed.Id });
    expect(fake.store.count('Account')).to.equal(2);
    expect(await crm.getAccount(first.id)).to.deep.equal({ id: first.id, name: 'Acme Corp', domain: 'acme.example' });
    expect(await crm.getAccount(recordId('Account', 99_999))).to.equal(null);
    const before = fake.requests.length;
    expect(await crm.getAccount('../query?q=SELECT')).to.equal(null);
    expect(fake.requests.length).to.equal(before);
  });

  it('creates a deal as Opportunity and primary contact role in one allOrNone composite call; a replayed key returns the same deal', async () => {
    const contact = await crm.upsertContact({ email: email(), lastName: 'Buyer' }, { idempotencyKey: key('c') });
    const k = key('deal');
    const input = { name: 'Order 1001', contactId: contact.id, amount: { amount: 12345, currency: 'USD' } };
    const deal = await crm.createDeal(input, { idempotencyKey: k });
    expect(await crm.createDeal(input, { idempotencyKey: k })).to.deep.equal(deal);
    expect([fake.store.count('Opportunity'), fake.store.count('OpportunityContactRole')]).to.deep.equal([1, 1]);
    const opportunity = fake.store.get('Opportunity', deal.id);
    expect(opportunity).to.include({
      Name: 'Order 1001',
      Amount: 123.45,
      StageName: 'Prospecting',
      Junction_Idempotency_Key__c: idempotencyValue(k),
    });
    expect(Date.parse(String(opportunity?.CloseDate)) - Date.now()).to.be.within(28 * 86_400_000, 31 * 86_400_000);
    expect([...fake.store.records.OpportunityContactRole.values()][0]).to.include({
      OpportunityId: deal.id,
      ContactId: contact.id,
      IsPrimary: true,
    });
    const composites = fake.requests.filter((r) => r.path === '/services/data/v60.0/composite');
    expect(composites).to.have.length(1);
    expect(composites[0]?.body).to.deep.nested.include({
      allOrNone: true,
      'compositeRequest[1].body.OpportunityId': '@{opportunity.id}',
    });
  });

  it('when a concurrent attempt with the same key wins the race, then its deal is returned and nothing is duplicated', async () => {
    const contact = await crm.upsertContact({ email: email(), lastName: 'Buyer' }, { idempotencyKey: key('c') });
    const k = key('race');
    let winner = '';
    fake.beforeNextComposite(() => {
      winner = fake.store.seed('Opportunity', {
        Name: 'Order 7',
        StageName: 'Prospecting',
        CloseDate: '2030-01-01',
        Junction_Idempotency_Key__c: idempotencyValue(k),
      }).Id;
    });
    const deal = await crm.createDeal(
      { name: 'Order 7', contactId: contact.id, amount: { amount: 700, currency: 'USD' } },
      { idempotencyKey: k },
    );
    expect(deal).to.deep.equal({ id: winner, name: 'Order 7' });
    expect([fake.store.count('Opportunity'), fake.store.count('OpportunityContactRole')]).to.deep.equal([1, 0]);
  });

  it('when the deal’s contact does not exist, then NOT_FOUND and the composite is rolled back', async () => {
    const error = await connectorFailureOf(
      crm.createDeal(
        { name: 'Orphan', contactId: recordId('Contact', 424_242), amount: { amount: 100, currency: 'USD' } },
        { idempotencyKey: key('d') },
      ),
    );
    expect(error).to.include({ code: 'NOT_FOUND', retryable: false, status: 400 });
    expect(error.vendorMessage).to.contain('INVALID_CROSS_REFERENCE_KEY');
    expect(fake.store.count('Opportunity')).to.equal(0);
    expect(
      (
        await connectorFailureOf(
          crm.createDeal(
            { name: 'X', contactId: 'nope', amount: { amount: 1, currency: 'USD' } },
            { idempotencyKey: key('e') },
          ),
        )
      ).code,
    ).to.equal('NOT_FOUND');
  });

  it('when a validation rule refuses the opportunity, then INVALID_REQUEST with Salesforce’s message, not retryable, and nothing is created', async () => {
    fake.store.addValidationRule('Opportunity', (r) =>
      Number(r.Amount) > 100_000 ? 'Deals above 100,000 need a director’s approval.' : undefined,
    );
    const contact = await crm.upsertContact({ email: email(), lastName: 'Buyer' }, { idempotencyKey: key('c') });
    const error = await connectorFailureOf(
      crm.createDeal(
        { name: 'Big one', contactId: contact.id, amount: { amount: 20_000_000, currency: 'USD' } },
        { idempotencyKey: key('d') },
      ),
    );
    expect(error).to.include({
      code: 'INVALID_REQUEST',
      retryable: false,
      status: 400,
      vendorMessage: 'FIELD_CUSTOM_VALIDATION_EXCEPTION: Deals above 100,000 need a director’s approval.',
    });
    expect([fake.store.count('Opportunity'), fake.store.count('OpportunityContactRole')]).to.deep.equal([0, 0]);
    fake.store.addValidationRule('Contact', (r) =>
      r.LastName === 'Nobody' ? 'A contact needs a real name.' : undefined,
    );
    const address = email();
    const refused = await connectorFailureOf(
      crm.upsertContact({ email: address, lastName: 'Nobody' }, { idempotencyKey: key('c2') }),
    );
    expect(refused).to.include({
      code: 'INVALID_REQUEST',
      vendorMessage: 'FIELD_CUSTOM_VALIDATION_EXCEPTION: A contact needs a real name.',
    });
    // The email is the External ID in the path: it stays out of the message, which reaches logs and histories.
    expect(refused.message).to.contain('/Junction_Email__c/:value').and.not.contain(address.split('@')[0]);
  });

  it('when an input is invalid or the org is single-currency, then INVALID_REQUEST before anything is sent', async () => {
    const before = fake.requests.length;
    const contactId = recordId('Contact', 1);
    const failures = await Promise.all([
      connectorFailureOf(crm.upsertContact({ email: 'not-an-email' }, { idempotencyKey: key('x') })),
      connectorFailureOf(crm.upsertCompany({ name: 'Acme' }, { idempotencyKey: '' })),
      connectorFailureOf(crm.upsertCompany({ name: 'Bell\u0007 Inc' }, { idempotencyKey: key('b') })),
      connectorFailureOf(
        crm.createDeal(
          { name: 'In pounds', contactId, amount: { amount: 500, currency: 'GBP' } },
          { idempotencyKey: key('d') },
        ),
      ),
      connectorFailureOf(crm.listContactsChangedSince('bm90LWEtY3Vyc29y', 10)),
      connectorFailureOf(
        crm.listContactsChangedSince(
          Buffer.from(JSON.stringify({ l: '/services/data/v60.0/sobjects/Account', t: 0, id: contactId })).toString(
            'base64url',
          ),
          10,
        ),
      ),
    ]);
    expect(failures.map((e) => e.code)).to.deep.equal(Array(6).fill('INVALID_REQUEST'));
    expect(failures[3]?.vendorMessage).to.contain('single-currency (USD)');
    expect(fake.requests.length).to.equal(before);
  });

  it('when the session expired (401 INVALID_SESSION_ID), then the token is renewed once and the call retried', async () => {
    await crm.healthCheck();
    fake.oauth.expireSessions();
    expect(await crm.findContactByEmail(email())).to.equal(null);
    expect(fake.oauth.grants).to.have.length(2);
    expect(fake.requests.map((r) => r.status)).to.deep.equal([200, 401, 200]);
  });

  it('when the org’s API request limit is used up (403 REQUEST_LIMIT_EXCEEDED), then RATE_LIMITED, retryable, with a wait and the usage', async () => {
    await crm.healthCheck();
    fake.exceedRequestLimit();
    const error = await connectorFailureOf(crm.findContactByEmail(email()));
    expect(error).to.include({ code: 'RATE_LIMITED', retryable: true, status: 403, retryAfterMs: 300_000 });
    expect(error.vendorMessage).to.match(
      /^REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded\. \(api-usage=\d+\/15000\)$/,
    );
  });
});
