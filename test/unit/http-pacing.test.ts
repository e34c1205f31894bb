import { expect } from 'chai';
import { createHttpClient, type HttpClient, type PacingOptions } from '../../connectors/http';
import { connectorFailureOf } from '../support/expect-connector-error';
import { FakeVendorApi } from '../fakes/vendor-api-server';

/** A vendor that says how long to hold off in `x-hold-off-ms`. */
const holdOffHeader: PacingOptions['afterResponse'] = ({ headers }) => {
  const value = headers['x-hold-off-ms'];
  return value === undefined ? undefined : { waitMs: Number(value), reason: 'the vendor said so' };
};

describe('HTTP client pacing (the pace hook)', () => {
  let api: FakeVendorApi;
  const clients: HttpClient[] = [];

  beforeEach(async () => {
    api = await new FakeVendorApi().start();
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await api.close();
  });

  function client(pace?: PacingOptions): HttpClient {
    const created = createHttpClient({
      connector: 'crm.paced',
      baseURL: api.url,
      timeoutMs: 2_000,
      ...(pace ? { pace } : {}),
    });
    clients.push(created);
    return created;
  }

  it('when a response asks for a hold-off, then the next call reaches the vendor no sooner', async () => {
    const http = client({ afterResponse: holdOffHeader });
    api.respondNext({ status: 200, body: {}, headers: { 'x-hold-off-ms': '250' } });
    await http.get('/a');
    await http.get('/b');
    const [first, second] = api.received;
    expect((second?.at ?? 0) - (first?.at ?? 0)).to.be.at.least(248);
  });

  it('when an error answer asks for a hold-off, then it holds as well', async () => {
    const http = client({ afterResponse: holdOffHeader });
    api.respondNext({ status: 404, body: {}, headers: { 'x-hold-off-ms': '250' } });
    expect((await connectorFailureOf(http.get('/missing'))).code).to.equal('NOT_FOUND');
    await http.get('/b');
    expect((api.received[1]?.at ?? 0) - (api.received[0]?.at ?? 0)).to.be.at.least(248);
  });

  it('when the hold-off is longer than maxWaitMs, then RATE_LIMITED at once, retryable, with the rest as retryAfterMs, and nothing sent', async () => {
    const http = client({ afterResponse: holdOffHeader, maxWaitMs: 100 });
    api.respondNext({ status: 200, body: {}, headers: { 'x-hold-off-ms': '60000' } });
    await http.get('/a');
    const started = performance.now();
    const error = await connectorFailureOf(http.get('/b'));
    expect(performance.now() - started, 'ms before failing; waiting would take 60,000').to.be.below(1_000);
    expect(error).to.include({ code: 'RATE_LIMITED', retryable: true, vendorMessage: 'the vendor said so' });
    expect(error.retryAfterMs).to.be.within(59_000, 60_000);
    expect(api.hits).to.equal(1);
  });

  it('when a 429 says Retry-After, then the next calls hold off as long; without the hook they do not', async () => {
    const paced = client({ afterResponse: () => undefined });
    api.respondNext({ status: 429, body: { message: 'slow down' }, headers: { 'Retry-After': '0.3' } });
    expect(await connectorFailureOf(paced.get('/a'))).to.include({ code: 'RATE_LIMITED', retryAfterMs: 300 });
    await paced.get('/b');
    expect((api.received[1]?.at ?? 0) - (api.received[0]?.at ?? 0)).to.be.at.least(298);

    const unpaced = client();
    api.respondNext({ status: 429, body: { message: 'slow down' }, headers: { 'Retry-After': '0.3' } });
    await connectorFailureOf(unpaced.get('/c'));
    await unpaced.get('/d');
    expect((api.received[3]?.at ?? 0) - (api.received[2]?.at ?? 0)).to.be.below(250);
  });

  it('when the caller aborts while the call holds off, then a retryable NETWORK failure and nothing sent', async () => {
    const http = client({ afterResponse: holdOffHeader });
    api.respondNext({ status: 200, body: {}, headers: { 'x-hold-off-ms': '2000' } });
    await http.get('/a');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await connectorFailureOf(http.get('/b', { signal: controller.signal }));
    expect(error).to.include({ code: 'NETWORK', retryable: true });
    expect(api.hits).to.equal(1);
  });
});
