/**
 * Security model, connector destinations (issue 10, item 1), through the real API: an admin key
 * sets connectors up, a `connectors:write` key attacks. A stored secret never follows a changed
 * destination; loopback, private and metadata addresses are refused before any connection unless
 * the operator allows them, so /test is no port scanner; vendors with known hosts keep their
 * credentials there; /test reflects a vendor's page or a server's banner as one short line; only
 * the operator chooses Redis. Each refusal sits next to the legitimate path still working.
 */
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { expect } from 'chai';
import { configureEgress } from '../../connectors/egress/egress-policy';
import { allowListeningServer } from '../fakes/egress-allowance';
import { startStripeFake, type StripeFake } from '../fakes/stripe-fake';
import { FakeVendorApi } from '../fakes/vendor-api-server';
import { expectProblem, keyedCall, type KeyedCall, type Reply } from '../support/api-client';
import { startApiStack, type ApiStack } from '../support/api-stack';
import { startSmtpSink } from '../support/smtp-sink';

interface HealthAnswer {
  ok: boolean;
  error?: { code: string; message: string; retryable: boolean; vendorMessage?: string };
}

/** A TCP service on loopback that no allow-list entry names, counting the connections it gets. */
async function startUnlistedService(
  greeting?: string,
): Promise<{ port: number; connections: () => number; close(): Promise<void> }> {
  let connections = 0;
  const server: Server = createTcpServer((socket) => {
    connections += 1;
    if (greeting) socket.end(greeting);
    else socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function closedPort(): Promise<number> {
  const service = await startUnlistedService();
  await service.close();
  return service.port;
}

const fields = (reply: Reply) => ((reply.body.errors ?? []) as { field: string }[]).map((error) => error.field);

describe('security: connector credentials bound to their destinations, egress guard, /test answers', function () {
  this.timeout(120_000);
  let stack: ApiStack;
  let admin: KeyedCall;
  let attacker: KeyedCall;
  let stripe: StripeFake;
  const cleanups: (() => Promise<void> | void)[] = [];

  const test = async (call: KeyedCall, name: string): Promise<HealthAnswer> => {
    const reply = await call<HealthAnswer>('POST', `/v1/connectors/${name}/test`);
    expect(reply.status, reply.text).to.equal(200);
    return reply.body;
  };
  const odoo = (name: string, baseUrl: string) => ({
    name,
    kind: 'erp',
    vendor: 'odoo',
    settings: { baseUrl, db: 'prod', login: 'integration@shop.example', timeoutMs: 3000 },
    credentials: { apiKey: 'odoo-key' },
  });
  const smtp = (name: string, url: string) => ({
    name,
    kind: 'email',
    vendor: 'smtp',
    settings: { url, from: 'Shop <shop@shop.example>', connectionTimeoutMs: 3000 },
  });

  before(async () => {
    stack = await startApiStack({
      label: 'sec_destinations',
      worker: false,
      env: { JUNCTION_MASTER_KEY: randomBytes(32).toString('base64') },
    });
    // As server/main.ts does at start-up: the operator's list is empty but for the SMTP relay SMTP_URL names.
    configureEgress({ allow: stack.config.egressAllow, smtpUrl: stack.config.smtp.url });
    admin = keyedCall(
      () => stack.api.url,
      () => adminKey,
    );
    attacker = keyedCall(
      () => stack.api.url,
      () => attackerKey,
    );
    const adminKey = await stack.createKey('ops', ['admin']);
    const attackerKey = await stack.createKey('integrations', ['connectors:write']);
    stripe = await startStripeFake();
    cleanups.push(() => stripe.close());
    const created = await admin('POST', '/v1/connectors', {
      body: {
        name: 'payment.stripe',
        kind: 'payment',
        vendor: 'stripe',
        settings: { baseUrl: stripe.url, timeoutMs: 3000 },
        credentials: { secretKey: stripe.secretKey },
      },
    });
    expect(created.status, created.text).to.equal(201);
  });

  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    configureEgress({ allow: [] });
    await stack?.close();
  });

  describe('a stored secret never follows a changed destination', () => {
    it('when a connectors:write key PATCHes the base URL of a Stripe connector without its credentials, then 422, the row is unchanged and /test still goes to Stripe with the stored key', async () => {
      // Even a destination the guard would let through (the attacker's own server on an allowed address) gets nothing.
      const collector = await new FakeVendorApi().start();
      cleanups.push(() => collector.close());
      const before = await stack.db.models.ConnectorInstance.findByPk('payment.stripe');

      const patch = await attacker('PATCH', '/v1/connectors/payment.stripe', {
        body: { settings: { baseUrl: collector.url } },
      });
      expectProblem(patch, 422, 'credentials-required');
      expect(patch.body.errors).to.deep.equal([
        {
          field: 'settings.baseUrl',
          message: 'changed: send the credentials again in the same request, or "credentials": null to drop them',
        },
      ]);
      const put = await attacker('PUT', '/v1/connectors/payment.stripe', {
        body: { kind: 'payment', vendor: 'stripe', settings: { baseUrl: collector.url } },
      });
      expectProblem(put, 422, 'credentials-required');

      const after = await stack.db.models.ConnectorInstance.findByPk('payment.stripe');
      expect(after?.settings).to.deep.equal(before?.settings);
      expect(after?.credentialsCiphertext?.equals(before!.credentialsCiphertext!)).to.equal(true);
      const seen = stripe.requests.length;
      expect(await test(attacker, 'payment.stripe')).to.deep.include({ ok: true });
      expect(stripe.requests.slice(seen).map((r) => r.headers.authorization)).to.deep.equal([
        `Bearer ${stripe.secretKey}`,
      ]);
      expect(collector.hits).to.equal(0);
    });

    it('when the attacker drops the credentials to move a connector, then the secret is gone with them (audited as cleared): nothing left to steal', async () => {
      const other = await startSmtpSink();
      cleanups.push(() => other.close());
      expect(
        (
          await admin('POST', '/v1/connectors', {
            body: {
              ...smtp('email.dropped', stack.smtp.url),
              credentials: { username: 'finance', password: 'relay-secret' },
            },
          })
        ).status,
      ).to.equal(201);
      const moved = await attacker('PATCH', '/v1/connectors/email.dropped', {
        body: { settings: { url: other.url }, credentials: null },
      });
      expect(moved.status, moved.text).to.equal(200);
      expect(moved.body).to.deep.include({ hasCredentials: false, credentialFields: [] });
      const row = await stack.db.models.ConnectorInstance.findByPk('email.dropped');
      expect(row?.credentialsCiphertext ?? null).to.equal(null);
      const audit = await stack.db.models.AuditEntry.findOne({
        where: { requestId: moved.headers.get('x-request-id') },
      });
      expect(audit?.details).to.deep.include({ credentials: 'cleared' });
      // Stripe cannot run without its key: dropping it is refused, the stored one stays where it is.
      const stripeDrop = await attacker('PATCH', '/v1/connectors/payment.stripe', {
        body: { settings: { baseUrl: other.url.replace('smtp:', 'http:') }, credentials: null },
      });
      expectProblem(stripeDrop, 400);
    });

    it('when an admin re-points the connector with its credentials to an allowed destination, then it is saved, audited as replaced, and /test reaches the new destination only', async () => {
      const next = await startStripeFake();
      cleanups.push(() => next.close());
      const reply = await admin('PATCH', '/v1/connectors/payment.stripe', {
        body: { settings: { baseUrl: next.url }, credentials: { secretKey: next.secretKey } },
      });
      expect(reply.status, reply.text).to.equal(200);
      const audit = await stack.db.models.AuditEntry.findOne({
        where: { requestId: reply.headers.get('x-request-id') },
      });
      expect(audit?.details).to.deep.include({ credentials: 'replaced', destinationsChanged: ['settings.baseUrl'] });
      const seenOld = stripe.requests.length;
      expect(await test(admin, 'payment.stripe')).to.deep.include({ ok: true });
      expect(next.requests.map((r) => r.headers.authorization)).to.deep.equal([`Bearer ${next.secretKey}`]);
      expect(stripe.requests.length).to.equal(seenOld);
    });

    it('when an SMTP connector with credentials is moved to another relay without them, then 422: outgoing mail and its AUTH stay where they were', async () => {
      const created = await admin('POST', '/v1/connectors', {
        body: {
          ...smtp('email.finance', stack.smtp.url),
          credentials: { username: 'finance', password: 'relay-secret' },
        },
      });
      expect(created.status, created.text).to.equal(201);
      const moved = await attacker('PATCH', '/v1/connectors/email.finance', {
        body: { settings: { url: 'smtp://mx.attacker.example:25' } },
      });
      expectProblem(moved, 422, 'credentials-required');
      expect(fields(moved)).to.deep.equal(['settings.url']);
    });

    it('when a connectors:write key overrides an operator-defined connector (email.main) to send mail elsewhere, then the audit row names the moved destination', async () => {
      // Mail content follows a connector that needs no credentials: the scope allows it, so it must at least be visible.
      const elsewhere = await startSmtpSink();
      cleanups.push(() => elsewhere.close());
      const reply = await attacker('PUT', '/v1/connectors/email.main', {
        body: { kind: 'email', vendor: 'smtp', settings: { url: elsewhere.url, from: 'Shop <shop@shop.example>' } },
      });
      expect(reply.status, reply.text).to.equal(201);
      const audit = await stack.db.models.AuditEntry.findOne({
        where: { requestId: reply.headers.get('x-request-id') },
      });
      expect(audit?.details).to.deep.include({ created: true, destinationsChanged: ['settings.url'] });
      expect((await admin('DELETE', '/v1/connectors/email.main')).status).to.equal(204);
    });
  });

  describe('loopback, private and metadata destinations are refused before connecting', () => {
    it('when a connector created through the API points at a loopback service nobody allowed, then /test answers DESTINATION_REFUSED and the service saw no connection', async () => {
      const service = await startUnlistedService('SSH-2.0-OpenSSH_9.6\r\n');
      cleanups.push(() => service.close());
      const created = await attacker('POST', '/v1/connectors', {
        body: odoo('erp.scan-service', `http://127.0.0.1:${service.port}`),
      });
      expect(created.status, created.text).to.equal(201);
      const answer = await test(attacker, 'erp.scan-service');
      expect(answer).to.deep.include({ ok: false });
      expect(answer.error).to.deep.include({ code: 'DESTINATION_REFUSED', retryable: false });
      expect(answer.error?.message)
        .to.contain(`127.0.0.1:${service.port} refused: 127.0.0.1 is a loopback address`)
        .and.not.contain('SSH');
      expect(service.connections()).to.equal(0);
    });

    it('when /test is aimed at MariaDB, the API itself, a closed port, localhost, private or metadata addresses, then each is refused, and open and closed ports answer alike', async () => {
      const apiPort = Number(new URL(stack.api.url).port);
      const targets = {
        mariadb: 'http://127.0.0.1:3306',
        api: `http://127.0.0.1:${apiPort}`,
        closed: `http://127.0.0.1:${await closedPort()}`,
        localhost: `http://localhost:${apiPort}`,
        metadata: 'http://169.254.169.254',
        alibabaMetadata: 'http://100.100.100.200',
        awsV6Metadata: 'http://[fd00:ec2::254]',
        mappedLoopback: 'http://[::ffff:127.0.0.1]:3306',
        privateNetwork: 'http://10.0.0.1:8069',
      };
      const answers: Record<string, string> = {};
      for (const [name, url] of Object.entries(targets)) {
        const instance = `erp.scan-${name.toLowerCase()}`;
        expect((await attacker('POST', '/v1/connectors', { body: odoo(instance, url) })).status).to.equal(201);
        const answer = await test(attacker, instance);
        expect(answer.error, name).to.deep.include({ code: 'DESTINATION_REFUSED', retryable: false });
        answers[name] = (answer.error?.message ?? '')
          .replace(instance, '<name>')
          .replace(/:\d+ refused/, ':<port> refused');
      }
      // An open database, an open HTTP port and a closed port: the same words, whatever listens.
      expect(answers.mariadb).to.equal(
        '<name>: connection to 127.0.0.1:<port> refused: 127.0.0.1 is a loopback address; the operator can allow it in CONNECTOR_EGRESS_ALLOW or connectors.yaml egress.allow',
      );
      expect(answers.api).to.equal(answers.mariadb);
      expect(answers.closed).to.equal(answers.mariadb);
      expect(answers.localhost).to.contain('it resolves to a loopback address');
      expect(answers.metadata).to.contain('link-local');
    });

    it('when an SMTP connector points at an unlisted loopback port, then /test refuses it, while the relay SMTP_URL names still answers', async () => {
      const service = await startUnlistedService('220 internal.example ESMTP\r\n');
      cleanups.push(() => service.close());
      expect(
        (await attacker('POST', '/v1/connectors', { body: smtp('email.scan', `smtp://127.0.0.1:${service.port}`) }))
          .status,
      ).to.equal(201);
      const answer = await test(attacker, 'email.scan');
      expect(answer.error).to.deep.include({ code: 'DESTINATION_REFUSED', retryable: false });
      expect(service.connections()).to.equal(0);
      expect(await test(admin, 'email.main')).to.deep.include({ ok: true });
    });

    it('when an SMTP URL asks nodemailer to connect elsewhere through its query (?host=, ?port=, ?proxy=), then 400 naming the field', async () => {
      for (const url of [
        'smtp://relay.example.net?host=127.0.0.1',
        'smtp://relay.example.net:587?port=3306',
        'smtp://relay.example.net?proxy=socks5://127.0.0.1:1080',
      ]) {
        const reply = await attacker('POST', '/v1/connectors', { body: smtp('email.rerouted', url) });
        expectProblem(reply, 400);
        expect(fields(reply), url).to.deep.equal(['settings.url']);
      }
      expect(await stack.db.models.ConnectorInstance.findByPk('email.rerouted')).to.equal(null);
    });
  });

  describe('vendors with known hosts keep their credentials there', () => {
    it("when a Stripe base URL merely starts like Stripe's host (api.stripe.com.attacker.example), then 422 at save and nothing is stored", async () => {
      for (const baseUrl of [
        'https://api.stripe.com.attacker.example',
        'https://api.stripe.com@attacker.example',
        'http://api.stripe.com',
      ]) {
        const reply = await attacker('POST', '/v1/connectors', {
          body: {
            name: 'payment.lookalike',
            kind: 'payment',
            vendor: 'stripe',
            settings: { baseUrl },
            credentials: { secretKey: 'sk_live_attacker_wants_this' },
          },
        });
        expectProblem(reply, 422, 'destination-not-allowed');
        expect(fields(reply), baseUrl).to.deep.equal(['settings.baseUrl']);
      }
      expect(await stack.db.models.ConnectorInstance.findByPk('payment.lookalike')).to.equal(null);
      const legit = await admin('POST', '/v1/connectors', {
        body: {
          name: 'payment.lookalike',
          kind: 'payment',
          vendor: 'stripe',
          settings: { baseUrl: 'https://api.stripe.com' },
          credentials: { secretKey: 'sk_test_legit' },
        },
      });
      expect(legit.status, legit.text).to.equal(201);
    });

    it('when a Salesforce token URL in the credentials points outside Salesforce, then 422 naming credentials.tokenUrl', async () => {
      const reply = await attacker('POST', '/v1/connectors', {
        body: {
          name: 'crm.salesforce-lookalike',
          kind: 'crm',
          vendor: 'salesforce',
          settings: { instanceUrl: 'https://acme.my.salesforce.com' },
          credentials: {
            type: 'oauth2ClientCredentials',
            tokenUrl: 'https://login.attacker.example/services/oauth2/token',
            clientId: 'c',
            clientSecret: 's',
          },
        },
      });
      expectProblem(reply, 422, 'destination-not-allowed');
      expect(fields(reply)).to.deep.equal(['credentials.tokenUrl']);
    });
  });

  describe('/test reflects one short, plain line of what a server said', () => {
    it('when a vendor answers with a 50 kB HTML page, then /test carries at most 200 characters of its text, without markup', async () => {
      const page = `<html><head><title>Internal error</title><script>var token="sk_live_leak"</script></head><body>${'<div class="trace">at com.vendor.Internal(Secret.java:42)</div>\n'.repeat(800)}</body></html>`;
      expect(page.length).to.be.above(50_000);
      const server = createHttpServer((_req, res) => {
        res.writeHead(500, { 'content-type': 'text/html' });
        res.end(page);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const release = allowListeningServer(server);
      cleanups.push(() => new Promise<void>((resolve) => (release(), server.close(() => resolve()))));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      expect(
        (
          await admin('POST', '/v1/connectors', {
            body: {
              name: 'payment.html',
              kind: 'payment',
              vendor: 'stripe',
              settings: { baseUrl: url, timeoutMs: 3000 },
              credentials: { secretKey: 'sk_test_html' },
            },
          })
        ).status,
      ).to.equal(201);
      const answer = await test(attacker, 'payment.html');
      expect(answer.error?.code).to.equal('VENDOR_UNAVAILABLE');
      expect(answer.error?.vendorMessage)
        .to.have.length.at.most(200)
        .and.match(/^Internal error/);
      expect(answer.error?.message).to.have.length.at.most(200);
      expect(JSON.stringify(answer)).not.to.match(/[<>]/);
    });

    it("when an SMTP server's reply is a long banner, then /test carries a bounded, plain line of it", async () => {
      const banner = `554 ${'<b>refused</b> '.repeat(3000)}\r\n`;
      const relay = createTcpServer((socket) => socket.end(banner));
      await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
      const release = allowListeningServer(relay);
      cleanups.push(() => new Promise<void>((resolve) => (release(), relay.close(() => resolve()))));
      expect(
        (
          await admin('POST', '/v1/connectors', {
            body: smtp('email.banner', `smtp://127.0.0.1:${(relay.address() as AddressInfo).port}`),
          })
        ).status,
      ).to.equal(201);
      const answer = await test(attacker, 'email.banner');
      expect(answer.ok).to.equal(false);
      expect(answer.error?.vendorMessage)
        .to.match(/^554 refused refused/)
        .and.have.length.at.most(200);
      expect(answer.error?.message).to.have.length.at.most(200);
      expect(JSON.stringify(answer)).not.to.match(/[<>]/);
    });
  });

  it('when a connectors:write key names a Redis for a rate limit, then 400 naming the field: only the operator chooses Redis', async () => {
    const body = {
      name: 'crm.redis',
      kind: 'crm',
      vendor: 'hubspot',
      settings: { rateLimit: { points: 10, durationSeconds: 1, redisUrl: 'redis://127.0.0.1:6379/0' } },
      credentials: { accessToken: 'pat-1' },
    };
    const created = await attacker('POST', '/v1/connectors', { body });
    expectProblem(created, 400);
    expect(fields(created)).to.deep.equal(['settings.rateLimit.redisUrl']);
    const { redisUrl: _redis, ...rateLimit } = body.settings.rateLimit;
    expect(
      (await attacker('POST', '/v1/connectors', { body: { ...body, settings: { rateLimit } } })).status,
      "the same limit on the operator's Redis",
    ).to.equal(201);
    const patched = await attacker('PATCH', '/v1/connectors/crm.redis', {
      body: { settings: { rateLimit: { redisUrl: 'redis://10.0.0.7:6379' } } },
    });
    expectProblem(patched, 400);
    expect(fields(patched)).to.deep.equal(['settings.rateLimit.redisUrl']);
  });
});
