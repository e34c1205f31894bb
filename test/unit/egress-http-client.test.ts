/**
 * The shared HTTP client and the OAuth token request against real servers on loopback: the egress
 * guard decides on the address actually connected to, before connecting.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { allowEgressTo } from '../../connectors/egress/egress-policy';
import { createHttpClient, oauth2ClientCredentials } from '../../connectors/http';
import { connectorFailureOf } from '../support/expect-connector-error';

interface CountingServer {
  port: number;
  url: string;
  /** TCP connections accepted, whether or not a request followed. */
  connections: number;
  requests: string[];
  close(): Promise<void>;
}

/** A loopback server that names itself nowhere: the test decides what the allow-list says. */
async function startServer(handler: RequestListener = (_req, res) => res.end('{"ok":true}')): Promise<CountingServer> {
  const requests: string[] = [];
  const counts = { connections: 0 };
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  server.on('connection', () => (counts.connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    get connections() {
      return counts.connections;
    },
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('egress guard of the shared HTTP client (real loopback servers)', () => {
  let vendor: CountingServer;
  let other: CountingServer;
  const releases: (() => void)[] = [];
  const allow = (entry: string) => releases.push(allowEgressTo(entry));
  const client = (baseURL: string) =>
    createHttpClient({
      connector: 'crm.egress-test',
      baseURL,
      timeoutMs: 2000,
      headers: { Authorization: 'Bearer sk_live_secret' },
    });

  beforeEach(async () => {
    [vendor, other] = await Promise.all([startServer(), startServer()]);
  });

  afterEach(async () => {
    for (const release of releases.splice(0)) release();
    await Promise.all([vendor.close(), other.close()]);
  });

  it('when no entry names a loopback server, then the call is refused before connecting, naming host:port and how to allow it', async () => {
    const error = await connectorFailureOf(client(vendor.url).get('/v1/ping'));
    expect(error.toDetails()).to.deep.equal({ code: 'DESTINATION_REFUSED', retryable: false });
    expect(error.message).to.equal(
      `crm.egress-test: connection to 127.0.0.1:${vendor.port} refused: 127.0.0.1 is a loopback address; the operator can allow it in CONNECTOR_EGRESS_ALLOW or connectors.yaml egress.allow`,
    );
    expect(vendor.connections).to.equal(0);
  });

  it('when 127.0.0.1:<port> is allowed, then that port is reached and another port of the same host is still refused', async () => {
    allow(`127.0.0.1:${vendor.port}`);
    expect(await client(vendor.url).get('/v1/ping')).to.deep.equal({ ok: true });
    const error = await connectorFailureOf(client(other.url).get('/v1/ping'));
    expect(error.code).to.equal('DESTINATION_REFUSED');
    expect(other.connections).to.equal(0);
  });

  it('when the URL names loopback in another form (localhost, [::1], [::ffff:127.0.0.1], 0.0.0.0), then it is refused all the same', async () => {
    for (const host of ['localhost', '[::1]', '[::ffff:127.0.0.1]', '0.0.0.0', '127.1']) {
      const error = await connectorFailureOf(client(`http://${host}:${vendor.port}`).get('/v1/ping'));
      expect(error.code, host).to.equal('DESTINATION_REFUSED');
    }
    expect(vendor.connections).to.equal(0);
  });

  it('when a name resolves to loopback (localhost), then the resolved address decides: refused, unless an entry names the address', async () => {
    const refused = await connectorFailureOf(client(`http://localhost:${vendor.port}`).get('/v1/ping'));
    expect(refused.message).to.contain(`localhost:${vendor.port} refused: it resolves to a loopback address`);
    allow(`127.0.0.1:${vendor.port}`);
    expect(await client(`http://localhost:${vendor.port}`).get('/v1/ping')).to.deep.equal({ ok: true });
  });

  it('when the vendor answers with a redirect, then it is not followed, even to an allowed server', async () => {
    await vendor.close();
    vendor = await startServer((_req, res) => {
      res.writeHead(302, { location: `${other.url}/steal` });
      res.end();
    });
    allow(`127.0.0.1:${vendor.port}`);
    allow(`127.0.0.1:${other.port}`);
    const error = await connectorFailureOf(client(vendor.url).get('/v1/ping'));
    expect(error.toDetails()).to.include({ status: 302, retryable: false });
    expect(other.requests).to.deep.equal([]);
  });

  it('when a request names an absolute URL of another origin, then it is refused and nothing is sent there', async () => {
    allow(`127.0.0.1:${vendor.port}`);
    allow(`127.0.0.1:${other.port}`);
    for (const url of [
      `${other.url}/steal`,
      `//127.0.0.1:${other.port}/steal`,
      ` HTTP://127.0.0.1:${other.port}/steal`,
    ]) {
      const error = await connectorFailureOf(client(vendor.url).get(url));
      expect(error.toDetails(), url).to.deep.equal({ code: 'DESTINATION_REFUSED', retryable: false });
    }
    expect(other.connections).to.equal(0);
    expect(vendor.requests).to.deep.equal([]);
  });

  it('when an OAuth token URL points at an unlisted loopback port, then the client secret is never sent there', async () => {
    allow(`127.0.0.1:${vendor.port}`);
    const auth = oauth2ClientCredentials({
      connector: 'crm.egress-test',
      tokenUrl: `${other.url}/oauth2/token`,
      clientId: 'app',
      clientSecret: 'cs_secret',
    });
    const error = await connectorFailureOf(
      createHttpClient({ connector: 'crm.egress-test', baseURL: vendor.url, timeoutMs: 2000, auth }).get('/v1/ping'),
    );
    expect(error.toDetails()).to.deep.equal({ code: 'DESTINATION_REFUSED', retryable: false });
    expect(error.message).to.contain('token request failed');
    expect(other.connections).to.equal(0);
    expect(vendor.requests).to.deep.equal([]);
  });
});
