/**
 * Security model for the generic `http` connectors (issue 12, item 3), through the real API: an
 * admin key sets an `http.billing` instance up, a `connectors:write` key attacks. Its base URL and
 * OAuth2 token URL are destinations its credentials are bound to; loopback stays refused unless
 * the operator allows it; credentials are never returned. Each refusal sits next to the legitimate
 * path still working.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { configureEgress } from '../../connectors/egress/egress-policy';
import { HttpEchoFake } from '../fakes/http-echo-fake';
import { FakeOAuthTokenServer } from '../fakes/oauth-token-server';
import { expectProblem, keyedCall, type KeyedCall, type Reply } from '../support/api-client';
import { startApiStack, type ApiStack } from '../support/api-stack';

const TOKEN = 'tok_billing_5ecret';
const CLIENT_SECRET = 'cs_billing_5ecret';

interface HealthAnswer {
  ok: boolean;
  error?: { code: string; message: string; retryable: boolean };
}

const fields = (reply: Reply) => ((reply.body.errors ?? []) as { field: string }[]).map((error) => error.field);

describe('security: http connector instances (call: http) keep their credentials at their destinations', function () {
  this.timeout(120_000);
  let stack: ApiStack;
  let admin: KeyedCall;
  let attacker: KeyedCall;
  let billing: HttpEchoFake;
  let tokens: FakeOAuthTokenServer;
  const cleanups: (() => Promise<void> | void)[] = [];

  const test = async (name: string): Promise<HealthAnswer> => {
    const reply = await attacker<HealthAnswer>('POST', `/v1/connectors/${name}/test`);
    expect(reply.status, reply.text).to.equal(200);
    return reply.body;
  };

  before(async () => {
    stack = await startApiStack({
      label: 'sec_http_connector',
      worker: false,
      env: { JUNCTION_MASTER_KEY: randomBytes(32).toString('base64') },
    });
    configureEgress({ allow: stack.config.egressAllow, smtpUrl: stack.config.smtp.url });
    const adminKey = await stack.createKey('ops', ['admin']);
    const attackerKey = await stack.createKey('integrations', ['connectors:write']);
    admin = keyedCall(
      () => stack.api.url,
      () => adminKey,
    );
    attacker = keyedCall(
      () => stack.api.url,
      () => attackerKey,
    );
    billing = await new HttpEchoFake().start();
    tokens = await new FakeOAuthTokenServer({ clients: { 'junction-app': CLIENT_SECRET } }).start();
    cleanups.push(
      () => billing.close(),
      () => tokens.close(),
    );
    const created = await admin('POST', '/v1/connectors', {
      body: {
        name: 'http.billing',
        kind: 'http',
        vendor: 'http',
        settings: {
          baseUrl: `${billing.url}/api`,
          auth: { type: 'bearer' },
          healthCheck: { method: 'GET', path: '/health' },
          timeoutMs: 3000,
        },
        credentials: { token: TOKEN },
      },
    });
    expect(created.status, created.text).to.equal(201);
  });

  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    configureEgress({ allow: [] });
    await stack?.close();
  });

  it('when an admin creates http.billing, then the credentials are never returned and /test reaches the health path with them', async () => {
    const shown = await attacker('GET', '/v1/connectors/http.billing');
    expect(shown.status, shown.text).to.equal(200);
    expect(shown.text).not.to.contain(TOKEN);
    expect(shown.body).to.deep.include({ kind: 'http', vendor: 'http', hasCredentials: true });
    expect(await test('http.billing')).to.deep.include({ ok: true });
    expect(billing.last).to.include({ method: 'GET', path: '/api/health' });
    expect(billing.last.headers.authorization).to.equal(`Bearer ${TOKEN}`);
  });

  it('when a connectors:write key moves the base URL without the credentials (PATCH or PUT), then 422 and the token stays where it was', async () => {
    const collector = await new HttpEchoFake().start();
    cleanups.push(() => collector.close());
    const patch = await attacker('PATCH', '/v1/connectors/http.billing', {
      body: { settings: { baseUrl: collector.url } },
    });
    expectProblem(patch, 422, 'credentials-required');
    expect(fields(patch)).to.deep.equal(['settings.baseUrl']);
    const put = await attacker('PUT', '/v1/connectors/http.billing', {
      body: { kind: 'http', vendor: 'http', settings: { baseUrl: collector.url, auth: { type: 'bearer' } } },
    });
    expectProblem(put, 422, 'credentials-required');
    expect(await test('http.billing')).to.deep.include({ ok: true });
    expect(collector.received).to.have.length(0);
  });

  it('when an OAuth2 instance gets another token URL without its credentials, then 422; with them, it is saved', async () => {
    const created = await admin('POST', '/v1/connectors', {
      body: {
        name: 'http.erp-gateway',
        kind: 'http',
        vendor: 'http',
        settings: {
          baseUrl: billing.url,
          auth: { type: 'oauth2ClientCredentials', tokenUrl: tokens.tokenUrl },
        },
        credentials: { clientId: 'junction-app', clientSecret: CLIENT_SECRET },
      },
    });
    expect(created.status, created.text).to.equal(201);
    expect(await test('http.erp-gateway')).to.deep.include({ ok: true });
    expect(tokens.requests).to.have.length(1);

    const other = await new FakeOAuthTokenServer({ clients: {} }).start();
    cleanups.push(() => other.close());
    const moved = await attacker('PATCH', '/v1/connectors/http.erp-gateway', {
      body: { settings: { auth: { tokenUrl: other.tokenUrl } } },
    });
    expectProblem(moved, 422, 'credentials-required');
    expect(fields(moved)).to.deep.equal(['settings.auth.tokenUrl']);
    expect(other.requests).to.have.length(0);

    const resent = await admin('PATCH', '/v1/connectors/http.erp-gateway', {
      body: {
        settings: { auth: { tokenUrl: tokens.tokenUrl.replace('/oauth2/token', '/oauth2/token2') } },
        credentials: { clientId: 'junction-app', clientSecret: CLIENT_SECRET },
      },
    });
    expect(resent.status, resent.text).to.equal(200);
  });

  it('when an instance points at a loopback service nobody allowed, then /test answers DESTINATION_REFUSED and the service saw no connection', async () => {
    let connections = 0;
    const service: Server = createServer((_req, res) => {
      connections += 1;
      res.end('{}');
    });
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => service.close(() => resolve())));
    const { port } = service.address() as AddressInfo;
    const created = await attacker('POST', '/v1/connectors', {
      body: {
        name: 'http.scan',
        kind: 'http',
        vendor: 'http',
        settings: { baseUrl: `http://127.0.0.1:${port}`, healthCheck: { path: '/' } },
      },
    });
    expect(created.status, created.text).to.equal(201);
    const answer = await test('http.scan');
    expect(answer).to.deep.include({ ok: false });
    expect(answer.error).to.deep.include({ code: 'DESTINATION_REFUSED', retryable: false });
    expect(connections).to.equal(0);
  });

  it('when credentials do not fit the auth scheme, then the API refuses them without echoing a value', async () => {
    const reply = await attacker('POST', '/v1/connectors', {
      body: {
        name: 'http.mixed',
        kind: 'http',
        vendor: 'http',
        settings: { baseUrl: billing.url, auth: { type: 'bearer' } },
        credentials: { token: TOKEN, key: 'ak_5ecret' },
      },
    });
    expect(reply.status, reply.text).to.be.oneOf([400, 422]);
    expect(reply.text).not.to.contain(TOKEN).and.not.to.contain('ak_5ecret');
  });
});
