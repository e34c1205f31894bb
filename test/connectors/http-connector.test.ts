/**
 * The `http/http` connector (a flow's `call: http`) against a fake API on loopback: every auth
 * scheme puts its header, secrets never reach a log, paths stay below the base URL, writes carry
 * the Idempotency-Key, failures are classified like every vendor's, bodies are parsed by content
 * type and capped, and the egress guard refuses loopback unless it is allowed (the fakes allow
 * their own `127.0.0.1:<port>` while they listen, as the operator would allow a mock).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { ApplicationFailure } from '@temporalio/common';
import { expect } from 'chai';
import type { Sequelize } from 'sequelize';
import winston from 'winston';
import { createHttpActivities } from '../../activities/http.activities';
import { loadConfig } from '../../config';
import { allowEgressTo } from '../../connectors/egress/egress-policy';
import { createGenericHttpConnector, type GenericHttpConnector } from '../../connectors/generic-http';
import { createDefaultRegistry } from '../../connectors/registry';
import type { HttpCallRequest } from '../../connectors/spi';
import { getLogger, replaceLogger } from '../../logging/logger';
import { registryDeps } from '../../server/connectors/registry-deps';
import { initModels } from '../../server/db/models';
import { createSequelize } from '../../server/db/sequelize';
import { HttpEchoFake } from '../fakes/http-echo-fake';
import { FakeOAuthTokenServer } from '../fakes/oauth-token-server';
import { connectorFailureOf } from '../support/expect-connector-error';
import { uniqueId } from '../support/order-fixtures';

const KEY = 'flow:invoice-42:/do/1/createInvoice';
const TOKEN = 'tok_live_5ecret_bearer';
const PASSWORD = 'pw_5ecret_basic';
const API_KEY = 'ak_5ecret_header';
const CLIENT_SECRET = 'cs_5ecret_oauth';

describe('http/http connector (generic HTTP calls of flows)', function () {
  this.timeout(20_000);
  const lines: unknown[] = [];
  const previousLogger = getLogger();
  let api: HttpEchoFake;
  const built: GenericHttpConnector[] = [];

  const connector = (settings: Record<string, unknown> = {}, credentials?: Record<string, string>) => {
    const instance = createGenericHttpConnector(
      'http.billing',
      { baseUrl: `${api.url}/api/v2`, timeoutMs: 3000, ...settings },
      credentials,
    );
    built.push(instance);
    return instance;
  };
  const get = (path = '/invoices'): HttpCallRequest => ({ method: 'GET', path });

  before(() => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()));
        done();
      },
    });
    replaceLogger(
      winston.createLogger({
        level: 'debug',
        format: winston.format.json(),
        transports: [new winston.transports.Stream({ stream: sink })],
      }),
    );
  });
  after(() => replaceLogger(previousLogger));

  beforeEach(async () => {
    api = await new HttpEchoFake().start();
  });
  afterEach(async () => {
    await Promise.all(built.splice(0).map((instance) => instance.close()));
    await api.close();
  });

  describe('auth schemes: the header each one puts, the secrets from the credentials only', () => {
    it('when auth is none, then no Authorization header is sent', async () => {
      await connector().request(get(), { idempotencyKey: KEY });
      expect(api.last.headers.authorization).to.equal(undefined);
    });

    it('when auth is bearer, then Authorization: Bearer <credentials.token>', async () => {
      await connector({ auth: { type: 'bearer' } }, { token: TOKEN }).request(get(), { idempotencyKey: KEY });
      expect(api.last.headers.authorization).to.equal(`Bearer ${TOKEN}`);
    });

    it('when auth is basic, then Authorization: Basic base64(username:password)', async () => {
      await connector({ auth: { type: 'basic' } }, { username: 'junction', password: PASSWORD }).request(get(), {
        idempotencyKey: KEY,
      });
      expect(api.last.headers.authorization).to.equal(
        `Basic ${Buffer.from(`junction:${PASSWORD}`).toString('base64')}`,
      );
    });

    it('when auth is apiKey, then the key goes in the configured header and the request may not set that header', async () => {
      const billing = connector({ auth: { type: 'apiKey', header: 'X-API-Key' } }, { key: API_KEY });
      await billing.request(get(), { idempotencyKey: KEY });
      expect(api.last.headers['x-api-key']).to.equal(API_KEY);
      const refusal = await connectorFailureOf(
        billing.request({ ...get(), headers: { 'x-api-key': 'other' } }, { idempotencyKey: KEY }),
      );
      expect(refusal).to.include({ code: 'INVALID_REQUEST', retryable: false });
      expect(api.received).to.have.length(1);
    });

    it('when auth is oauth2ClientCredentials, then a token is fetched once from the token URL of the settings and sent as Bearer', async () => {
      const tokens = await new FakeOAuthTokenServer({ clients: { 'junction-app': CLIENT_SECRET } }).start();
      try {
        const billing = connector(
          { auth: { type: 'oauth2ClientCredentials', tokenUrl: tokens.tokenUrl, scope: 'invoices' } },
          { clientId: 'junction-app', clientSecret: CLIENT_SECRET },
        );
        await billing.request(get(), { idempotencyKey: KEY });
        await billing.request(get(), { idempotencyKey: KEY });
        expect(tokens.requests).to.have.length(1);
        expect(tokens.requests[0]?.form).to.include({ grant_type: 'client_credentials', scope: 'invoices' });
        expect(api.received.map((r) => r.headers.authorization)).to.deep.equal([
          `Bearer ${tokens.issued[0]}`,
          `Bearer ${tokens.issued[0]}`,
        ]);
        await billing.healthCheck();
      } finally {
        await tokens.close();
      }
    });

    it('when the credentials do not fit the scheme, then CONNECTOR_MISCONFIGURED naming the fields, never a value', () => {
      for (const [auth, credentials] of [
        [{ type: 'bearer' }, { key: API_KEY }],
        [{ type: 'none' }, { token: TOKEN }],
        [{ type: 'basic' }, undefined],
      ] as const) {
        let message = '';
        try {
          connector({ auth }, credentials);
        } catch (error) {
          expect(error).to.include({ code: 'CONNECTOR_MISCONFIGURED', retryable: false });
          message = (error as Error).message;
        }
        expect(message, JSON.stringify(auth)).to.match(/^http\.billing: settings\.auth\.type/);
        expect(message).not.to.contain(API_KEY).and.not.to.contain(TOKEN);
      }
    });

    it('never logs a credential, a token, a query or a header, on success or failure', async () => {
      lines.length = 0;
      const billing = connector({ auth: { type: 'bearer' } }, { token: TOKEN });
      api.respondNext({ status: 500, body: 'down' });
      await connectorFailureOf(billing.request(get(), { idempotencyKey: KEY }));
      await billing.request(
        {
          method: 'GET',
          path: '/invoices',
          query: { q: 'customer-secret-query' },
          headers: { 'x-trace': 'hdr-secret' },
        },
        { idempotencyKey: KEY },
      );
      const basic = connector({ auth: { type: 'basic' } }, { username: 'junction', password: PASSWORD });
      await basic.request(get(), { idempotencyKey: KEY });
      const logged = JSON.stringify(lines);
      expect(lines.length, 'the calls were logged').to.be.greaterThan(0);
      for (const secret of [
        TOKEN,
        PASSWORD,
        'customer-secret-query',
        'hdr-secret',
        Buffer.from(`junction:${PASSWORD}`).toString('base64'),
      ])
        expect(logged).not.to.contain(secret);
    });
  });

  describe('requests: relative paths, headers, bodies, the idempotency key', () => {
    it('appends the path to the base URL (its own path kept) and sends the query', async () => {
      const response = await connector().request(
        { method: 'GET', path: 'invoices/INV-1', query: { expand: 'lines', page: '2' } },
        { idempotencyKey: KEY },
      );
      expect(api.last).to.include({ method: 'GET', path: '/api/v2/invoices/INV-1' });
      expect(api.last.query).to.deep.equal({ expand: 'lines', page: '2' });
      expect(response).to.deep.include({ status: 200, body: { ok: true } });
    });

    it('refuses a path that names a destination or leaves the base URL, before anything is sent', async () => {
      const billing = connector();
      for (const path of [
        'https://attacker.example/steal',
        '//attacker.example/steal',
        'http:/attacker.example',
        '/../admin',
        '/invoices/../../admin',
        '/%2e%2E/admin',
        '/invoices?x=1',
        '/invoices#x',
        '\\\\attacker.example',
        '/a b',
      ]) {
        const failure = await connectorFailureOf(billing.request({ method: 'GET', path }, { idempotencyKey: KEY }));
        expect(failure.retryable, path).to.equal(false);
        expect(['DESTINATION_REFUSED', 'INVALID_REQUEST'], path).to.include(failure.code);
      }
      expect(api.received).to.have.length(0);
    });

    it('refuses headers the connector owns (credentials, host, idempotency key, hop-by-hop) and passes the others', async () => {
      const billing = connector({ auth: { type: 'bearer' } }, { token: TOKEN });
      for (const name of [
        'Authorization',
        'host',
        'Idempotency-Key',
        'Transfer-Encoding',
        'connection',
        'Proxy-Authorization',
      ]) {
        const failure = await connectorFailureOf(
          billing.request({ ...get(), headers: { [name]: 'x' } }, { idempotencyKey: KEY }),
        );
        expect(failure, name).to.include({ code: 'INVALID_REQUEST', retryable: false });
      }
      const split = await connectorFailureOf(
        billing.request({ ...get(), headers: { 'x-note': 'a\r\nx-evil: 1' } }, { idempotencyKey: KEY }),
      );
      expect(split.code).to.equal('INVALID_REQUEST');
      expect(api.received).to.have.length(0);
      await billing.request(
        { ...get(), headers: { 'X-Correlation-Id': 'c-1', accept: 'text/csv' } },
        { idempotencyKey: KEY },
      );
      expect(api.last.headers).to.include({
        'x-correlation-id': 'c-1',
        accept: 'text/csv',
        authorization: `Bearer ${TOKEN}`,
      });
    });

    it('sends the idempotency key as Idempotency-Key on POST, PUT, PATCH and DELETE, never on GET', async () => {
      const billing = connector();
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'GET'] as const)
        await billing.request({ method, path: '/invoices' }, { idempotencyKey: `${KEY}:${method}` });
      expect(api.received.map((r) => [r.method, r.headers['idempotency-key']])).to.deep.equal([
        ['POST', `${KEY}:POST`],
        ['PUT', `${KEY}:PUT`],
        ['PATCH', `${KEY}:PATCH`],
        ['DELETE', `${KEY}:DELETE`],
        ['GET', undefined],
      ]);
    });

    it('sends an object body as JSON and a string body as text, unless a content type is given', async () => {
      const billing = connector();
      await billing.request(
        { method: 'POST', path: '/invoices', body: { amount: 1250, lines: [1] } },
        { idempotencyKey: KEY },
      );
      expect(api.last.headers['content-type']).to.equal('application/json');
      expect(JSON.parse(api.last.body)).to.deep.equal({ amount: 1250, lines: [1] });
      await billing.request({ method: 'POST', path: '/notes', body: 'hello' }, { idempotencyKey: KEY });
      expect(api.last).to.include({ body: 'hello' });
      expect(api.last.headers['content-type']).to.equal('text/plain; charset=utf-8');
      await billing.request(
        { method: 'PUT', path: '/doc', body: '<a/>', headers: { 'Content-Type': 'application/xml' } },
        { idempotencyKey: KEY },
      );
      expect(api.last.headers['content-type']).to.equal('application/xml');
      const getWithBody = await connectorFailureOf(billing.request({ ...get(), body: {} }, { idempotencyKey: KEY }));
      expect(getWithBody.code).to.equal('INVALID_REQUEST');
    });
  });

  describe('responses: parsed by content type, capped, failures classified', () => {
    it('parses JSON when the content type says so, keeps text as text, gives null for no body', async () => {
      const billing = connector();
      api.respondNext(
        {
          status: 201,
          headers: { 'content-type': 'application/problem+json; charset=utf-8', 'x-request-id': 'r1' },
          body: '{"id":"INV-1"}',
        },
        { status: 200, headers: { 'content-type': 'text/plain' }, body: '123' },
        { status: 204 },
        { status: 200, headers: { 'content-type': 'application/json', 'set-cookie': 'session=s3cr3t' }, body: '[1,2]' },
      );
      const created = await billing.request({ method: 'POST', path: '/invoices', body: {} }, { idempotencyKey: KEY });
      expect(created.status).to.equal(201);
      expect(created.body).to.deep.equal({ id: 'INV-1' });
      expect(created.headers).to.include({ 'x-request-id': 'r1' });
      expect((await billing.request(get(), { idempotencyKey: KEY })).body).to.equal('123');
      expect(await billing.request({ method: 'DELETE', path: '/invoices/1' }, { idempotencyKey: KEY })).to.deep.include(
        {
          status: 204,
          body: null,
        },
      );
      const list = await billing.request(get(), { idempotencyKey: KEY });
      expect(list.body).to.deep.equal([1, 2]);
      expect(list.headers).not.to.have.property('set-cookie');
    });

    it('when the body says JSON but is not, then a non-retryable failure that does not echo it', async () => {
      api.respondNext({ status: 200, headers: { 'content-type': 'application/json' }, body: '{not json: 5ecret' });
      const failure = await connectorFailureOf(connector().request(get(), { idempotencyKey: KEY }));
      expect(failure).to.include({ code: 'VENDOR_UNAVAILABLE', retryable: false });
      expect(failure.message).not.to.contain('5ecret');
    });

    it('when the response is larger than maxResponseBytes, then a non-retryable failure', async () => {
      api.respondNext({ status: 200, headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(5000) });
      const failure = await connectorFailureOf(
        connector({ maxResponseBytes: 1024 }).request(get(), { idempotencyKey: KEY }),
      );
      expect(failure).to.include({ code: 'VENDOR_UNAVAILABLE', retryable: false });
      expect(failure.message).to.contain('exceeds the size limit');
    });

    it('classifies failures as every vendor: 429 retries after Retry-After, 500 retries, 400 and 404 do not', async () => {
      const billing = connector();
      api.respondNext(
        {
          status: 429,
          headers: { 'retry-after': '7', 'content-type': 'application/json' },
          body: '{"message":"slow down"}',
        },
        { status: 500, body: 'boom' },
        { status: 400, headers: { 'content-type': 'application/json' }, body: '{"message":"amount must be positive"}' },
        { status: 404 },
      );
      const limited = await connectorFailureOf(billing.request(get(), { idempotencyKey: KEY }));
      expect(limited).to.include({ code: 'RATE_LIMITED', retryable: true, status: 429, retryAfterMs: 7000 });
      const down = await connectorFailureOf(billing.request(get(), { idempotencyKey: KEY }));
      expect(down).to.include({ code: 'VENDOR_UNAVAILABLE', retryable: true, status: 500 });
      const invalid = await connectorFailureOf(
        billing.request({ method: 'POST', path: '/x', body: {} }, { idempotencyKey: KEY }),
      );
      expect(invalid).to.include({
        code: 'INVALID_REQUEST',
        retryable: false,
        status: 400,
        vendorMessage: 'amount must be positive',
      });
      const missing = await connectorFailureOf(billing.request(get(), { idempotencyKey: KEY }));
      expect(missing).to.include({ code: 'NOT_FOUND', retryable: false, status: 404 });
    });

    it('opens its circuit breaker after repeated retryable failures and fails fast', async () => {
      const billing = connector({ circuitBreaker: { volumeThreshold: 2, errorThresholdPercentage: 50 } });
      api.respondNext({ status: 503 }, { status: 503 }, { status: 503 });
      await connectorFailureOf(billing.request(get(), { idempotencyKey: KEY }));
      await connectorFailureOf(billing.request(get(), { idempotencyKey: KEY }));
      const open = await connectorFailureOf(billing.request(get(), { idempotencyKey: KEY }));
      expect(open.retryable).to.equal(true);
      expect(api.received).to.have.length(2);
    });

    it('health check: the configured path answers 2xx, or fails with the classified error', async () => {
      const billing = connector({ healthCheck: { method: 'HEAD', path: '/health' } });
      await billing.healthCheck();
      expect(api.last).to.include({ method: 'HEAD', path: '/api/v2/health' });
      api.respondNext({ status: 401 });
      expect(await connectorFailureOf(billing.healthCheck())).to.include({ code: 'UNAUTHORIZED' });
    });
  });

  describe('egress: loopback is refused unless allowed', () => {
    let unlisted: Server;
    let hits = 0;
    beforeEach(async () => {
      hits = 0;
      unlisted = createServer((_req, res) => {
        hits += 1;
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"reached":true}');
      });
      await new Promise<void>((resolve) => unlisted.listen(0, '127.0.0.1', resolve));
    });
    afterEach(() => new Promise<void>((resolve) => unlisted.close(() => resolve())));

    it('when the base URL is a loopback address nobody allowed, then DESTINATION_REFUSED and no connection; allowed, the call goes through', async () => {
      const { port } = unlisted.address() as AddressInfo;
      const instance = createGenericHttpConnector('http.internal', { baseUrl: `http://127.0.0.1:${port}` }, undefined);
      built.push(instance);
      const refused = await connectorFailureOf(instance.request(get(), { idempotencyKey: KEY }));
      expect(refused).to.include({ code: 'DESTINATION_REFUSED', retryable: false });
      expect(hits).to.equal(0);
      const release = allowEgressTo(`127.0.0.1:${port}`);
      try {
        expect((await instance.request(get(), { idempotencyKey: KEY })).body).to.deep.equal({ reached: true });
        expect(hits).to.equal(1);
      } finally {
        release();
      }
    });
  });

  describe('through the registry and the callHttp activity', () => {
    let sequelize: Sequelize;
    before(() => {
      // No query is made: the models only satisfy the registry's deps.
      sequelize = createSequelize('mysql://root@127.0.0.1:1/no_server_here');
    });
    after(() => sequelize.close());

    it('resolves http.<name> and turns a non-retryable failure into a non-retryable ApplicationFailure', async () => {
      const registry = createDefaultRegistry(registryDeps(loadConfig({}, false), initModels(sequelize)));
      registry.defineInstance('http.billing', {
        kind: 'http',
        vendor: 'http',
        settings: { baseUrl: api.url, auth: { type: 'bearer' } },
        credentials: () => ({ token: TOKEN }),
      });
      const { callHttp } = createHttpActivities(registry);
      try {
        api.respondNext({ status: 201, headers: { 'content-type': 'application/json' }, body: '{"id":"INV-7"}' });
        const created = await callHttp({
          connector: 'http.billing',
          request: { method: 'POST', path: '/invoices', body: { amount: 1 } },
          idempotencyKey: KEY,
        });
        expect(created).to.deep.include({ status: 201, body: { id: 'INV-7' } });
        expect(api.last.headers).to.include({ authorization: `Bearer ${TOKEN}`, 'idempotency-key': KEY });

        api.respondNext({
          status: 422,
          headers: { 'content-type': 'application/json' },
          body: '{"message":"no such customer"}',
        });
        const failure = await callHttp({
          connector: 'http.billing',
          request: { method: 'POST', path: '/invoices', body: {} },
          idempotencyKey: KEY,
        }).catch((error: unknown) => error);
        expect(failure).to.be.instanceOf(ApplicationFailure);
        expect(failure).to.include({ type: 'INVALID_REQUEST', nonRetryable: true });

        const unknown = await callHttp({ connector: 'http.nowhere', request: get(), idempotencyKey: KEY }).catch(
          (error: unknown) => error,
        );
        expect(unknown).to.include({ type: 'CONNECTOR_MISCONFIGURED', nonRetryable: true });
      } finally {
        await registry.close();
      }
    });

    it('when the instance sets a rate limit, then calls past its budget fail RATE_LIMITED without reaching the API (budget in Redis)', async () => {
      const registry = createDefaultRegistry(registryDeps(loadConfig({}, false), initModels(sequelize)));
      const name = `http.${uniqueId('limited')}`;
      registry.defineInstance(name, {
        kind: 'http',
        vendor: 'http',
        settings: { baseUrl: api.url, rateLimit: { points: 2, durationSeconds: 5, maxWaitMs: 0 } },
      });
      try {
        const limited = registry.resolve('http', name);
        await limited.request(get(), { idempotencyKey: KEY });
        await limited.request(get(), { idempotencyKey: KEY });
        expect(await connectorFailureOf(limited.request(get(), { idempotencyKey: KEY }))).to.include({
          code: 'RATE_LIMITED',
          retryable: true,
        });
        expect(api.received).to.have.length(2);
      } finally {
        await registry.close();
      }
    });
  });
});
