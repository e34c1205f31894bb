import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import winston from 'winston';
import {
  authFromSettings,
  authSettingsSchema,
  createHttpClient,
  jwtBearer,
  oauth2ClientCredentials,
  oauth2RefreshToken,
  type AuthInjector,
  type AuthSettings,
} from '../../connectors/http';
import { TokenCache } from '../../connectors/http/auth/token-cache';
import { ConnectorError } from '../../connectors/connector-error';
import { allowEgressTo } from '../../connectors/egress/egress-policy';
import { getLogger, replaceLogger } from '../../logging/logger';
import { connectorFailureOf } from '../support/expect-connector-error';
import { FakeOAuthTokenServer, type OAuthTokenServerOptions } from '../fakes/oauth-token-server';
import { FakeVendorApi } from '../fakes/vendor-api-server';

const CLIENT_ID = 'junction-app';
const CLIENT_SECRET = 'cs_super_secret_value';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('HTTP auth token flows', () => {
  const lines: unknown[] = [];
  const previousLogger = getLogger();
  const running: Array<{ close(): Promise<void> }> = [];

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

  afterEach(async () => {
    await Promise.all(running.splice(0).map((server) => server.close()));
  });

  /** A token server and an API that accepts only the tokens that server issued and did not revoke. */
  async function vendor(options: OAuthTokenServerOptions = {}) {
    const tokens = await new FakeOAuthTokenServer({ clients: { [CLIENT_ID]: CLIENT_SECRET }, ...options }).start();
    const api = await new FakeVendorApi((token) => token !== undefined && tokens.isValid(token)).start();
    running.push(tokens, api);
    return { tokens, api };
  }

  function clientOf(api: FakeVendorApi, auth: AuthInjector) {
    return createHttpClient({ connector: 'crm.auth-test', baseURL: api.url, timeoutMs: 2000, auth });
  }

  function expectNoSecretsLogged(secrets: readonly string[]) {
    const logged = JSON.stringify(lines);
    for (const secret of secrets) expect(logged).not.to.contain(secret);
  }

  describe('OAuth2 client credentials', () => {
    function credentials(tokenUrl: string, extra: Partial<Parameters<typeof oauth2ClientCredentials>[0]> = {}) {
      return oauth2ClientCredentials({
        connector: 'crm.auth-test',
        tokenUrl,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        ...extra,
      });
    }

    it('when ten calls start together without a token, then one token is fetched and every call carries it', async () => {
      const { tokens, api } = await vendor({ delayMs: 50 });
      const client = clientOf(api, credentials(tokens.tokenUrl));
      const results = await Promise.all(Array.from({ length: 10 }, () => client.get('/contacts')));
      expect(results).to.have.length(10);
      expect(tokens.requests).to.have.length(1);
      expect(api.hits).to.equal(10);
      expect(new Set(api.received.map((r) => r.authorization))).to.deep.equal(new Set([`Bearer ${tokens.issued[0]}`]));
    });

    it('when the token nears expiry, then it is renewed before the next call, not after a 401', async () => {
      // A 1 s token is renewed at half its life: the 60 s default lead would renew it on every call.
      const { tokens, api } = await vendor({ expiresInSeconds: 1 });
      const client = clientOf(api, credentials(tokens.tokenUrl));
      await client.get('/contacts');
      await client.get('/contacts');
      expect(tokens.requests, 'still fresh: reused').to.have.length(1);
      await sleep(600);
      await client.get('/contacts');
      expect(tokens.requests).to.have.length(2);
      expect(api.received.map((r) => r.authorization)).to.deep.equal([
        `Bearer ${tokens.issued[0]}`,
        `Bearer ${tokens.issued[0]}`,
        `Bearer ${tokens.issued[1]}`,
      ]);
      expect(api.hits, 'no call was rejected').to.equal(3);
    });

    it('when the vendor revokes the token, then a 401 triggers one renewal and the retried call succeeds', async () => {
      const { tokens, api } = await vendor();
      const client = clientOf(api, credentials(tokens.tokenUrl));
      await client.get('/contacts');
      tokens.revokeAccessTokens();
      expect(await client.get('/contacts')).to.deep.equal({ ok: true });
      expect(tokens.requests).to.have.length(2);
      expect(api.hits, 'first, rejected, retried').to.equal(3);
    });

    it('when concurrent calls all meet a revoked token, then they share one renewal', async () => {
      const { tokens, api } = await vendor({ delayMs: 50 });
      const client = clientOf(api, credentials(tokens.tokenUrl));
      await client.get('/contacts');
      tokens.revokeAccessTokens();
      await Promise.all(Array.from({ length: 5 }, () => client.get('/contacts')));
      expect(tokens.requests).to.have.length(2);
    });

    it('when the vendor rejects the renewed token too, then UNAUTHORIZED is not retryable and nothing more is tried', async () => {
      const tokens = await new FakeOAuthTokenServer({ clients: { [CLIENT_ID]: CLIENT_SECRET } }).start();
      const api = await new FakeVendorApi(() => false).start();
      running.push(tokens, api);
      const error = await connectorFailureOf(clientOf(api, credentials(tokens.tokenUrl)).get('/contacts'));
      expect(error.toDetails()).to.include({ code: 'UNAUTHORIZED', retryable: false, status: 401 });
      expect(tokens.requests).to.have.length(2);
      expect(api.hits).to.equal(2);
    });

    it('when the token endpoint refuses the client (401 invalid_client), then UNAUTHORIZED is not retryable and the API is not called', async () => {
      const { tokens, api } = await vendor();
      const client = clientOf(api, credentials(tokens.tokenUrl, { clientSecret: 'wrong-secret' }));
      const error = await connectorFailureOf(client.get('/contacts'));
      expect(error.toDetails()).to.deep.equal({
        code: 'UNAUTHORIZED',
        retryable: false,
        status: 401,
        vendorMessage: 'invalid_client: Client authentication failed',
      });
      expect(error.message).to.equal('crm.auth-test: token request refused: HTTP 401 from POST /oauth2/token');
      expect(api.hits).to.equal(0);
    });

    it('when the token endpoint answers 400 invalid_grant, then UNAUTHORIZED is not retryable', async () => {
      const { tokens, api } = await vendor();
      tokens.failNext(400, { error: 'invalid_grant', error_description: 'grant revoked' });
      const error = await connectorFailureOf(clientOf(api, credentials(tokens.tokenUrl)).get('/contacts'));
      expect(error.toDetails()).to.include({ code: 'UNAUTHORIZED', retryable: false, status: 400 });
    });

    it('when the token endpoint answers 503, then the failure is retryable and the next call fetches a token again', async () => {
      const { tokens, api } = await vendor();
      tokens.failNext(503, { message: 'maintenance' });
      const client = clientOf(api, credentials(tokens.tokenUrl));
      const error = await connectorFailureOf(client.get('/contacts'));
      expect(error.toDetails()).to.deep.equal({
        code: 'VENDOR_UNAVAILABLE',
        retryable: true,
        status: 503,
        vendorMessage: 'maintenance',
      });
      expect(await client.get('/contacts')).to.deep.equal({ ok: true });
      expect(tokens.requests).to.have.length(2);
    });

    it('when the token endpoint is unreachable, then NETWORK is retryable', async () => {
      const { tokens, api } = await vendor();
      const tokenUrl = tokens.tokenUrl;
      await tokens.close();
      // Still allowed (as an operator's entry would be), but nothing listens there any more.
      const release = allowEgressTo(new URL(tokenUrl).host);
      try {
        const error = await connectorFailureOf(clientOf(api, credentials(tokenUrl)).get('/contacts'));
        expect(error.toDetails()).to.deep.equal({ code: 'NETWORK', retryable: true });
      } finally {
        release();
      }
    });

    it('sends scope, audience and extra parameters, and the credentials as HTTP Basic when asked', async () => {
      const { tokens, api } = await vendor();
      const auth = credentials(tokens.tokenUrl, {
        scope: 'crm.read crm.write',
        audience: 'https://api.vendor.test',
        extraParams: { resource: 'r1' },
        clientAuth: 'basic',
      });
      await clientOf(api, auth).get('/contacts');
      const [request] = tokens.requests;
      expect(request?.clientAuth).to.equal('basic');
      expect(request?.form).to.deep.equal({
        grant_type: 'client_credentials',
        scope: 'crm.read crm.write',
        audience: 'https://api.vendor.test',
        resource: 'r1',
      });
    });

    it('never logs the client secret or a token, on success or failure', async () => {
      lines.length = 0;
      const { tokens, api } = await vendor();
      const client = clientOf(api, credentials(tokens.tokenUrl));
      await client.get('/contacts');
      tokens.revokeAccessTokens();
      await client.get('/contacts');
      tokens.revokeAccessTokens();
      tokens.failNext(401, { error: 'invalid_client' });
      const error = await connectorFailureOf(client.get('/contacts'));
      expect(lines.length).to.be.greaterThan(3);
      expectNoSecretsLogged([CLIENT_SECRET, ...tokens.issued]);
      expect(JSON.stringify({ ...error.toDetails(), message: error.message })).not.to.match(/cs_super_secret|at_/);
    });
  });

  describe('OAuth2 refresh token', () => {
    it('when the server rotates refresh tokens, then each renewal presents the newest one and hands it to the caller', async () => {
      const { tokens, api } = await vendor({ rotateRefreshTokens: true });
      const initial = tokens.grantRefreshToken();
      const rotated: string[] = [];
      const auth = oauth2RefreshToken({
        connector: 'crm.auth-test',
        tokenUrl: tokens.tokenUrl,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        refreshToken: initial,
        onRefreshTokenRotated: (token) => {
          rotated.push(token);
        },
      });
      const client = clientOf(api, auth);
      for (let i = 0; i < 3; i += 1) {
        await client.get('/contacts');
        tokens.revokeAccessTokens();
      }
      // The server forgets each refresh token it rotated out, so success proves the newest was used.
      expect(tokens.requests.map((r) => r.form.refresh_token)).to.deep.equal([initial, rotated[0], rotated[1]]);
      expect(rotated).to.have.length(3);
      expect(
        tokens.requests.every((r) => r.grantType === 'refresh_token' && r.form.client_secret === CLIENT_SECRET),
      ).to.equal(true);
      expectNoSecretsLogged([initial, ...rotated, ...tokens.issued, CLIENT_SECRET]);
    });

    it('when the server keeps the refresh token, then the same one is presented again and the caller is not told', async () => {
      const { tokens, api } = await vendor();
      const refreshToken = tokens.grantRefreshToken();
      let told = 0;
      const auth = oauth2RefreshToken({
        connector: 'crm.auth-test',
        tokenUrl: tokens.tokenUrl,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        refreshToken,
        onRefreshTokenRotated: () => void (told += 1),
      });
      const client = clientOf(api, auth);
      await client.get('/contacts');
      tokens.revokeAccessTokens();
      await client.get('/contacts');
      expect(tokens.requests.map((r) => r.form.refresh_token)).to.deep.equal([refreshToken, refreshToken]);
      expect(told).to.equal(0);
    });

    it('when the refresh token was revoked, then UNAUTHORIZED (invalid_grant) is not retryable', async () => {
      const { tokens, api } = await vendor();
      const auth = oauth2RefreshToken({
        connector: 'crm.auth-test',
        tokenUrl: tokens.tokenUrl,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        refreshToken: 'rt_revoked',
      });
      const error = await connectorFailureOf(clientOf(api, auth).get('/contacts'));
      expect(error.toDetails()).to.deep.equal({
        code: 'UNAUTHORIZED',
        retryable: false,
        status: 400,
        vendorMessage: 'invalid_grant: refresh token is invalid or expired',
      });
    });

    it('when the client is public, then no client secret is sent', async () => {
      const { tokens, api } = await vendor({ clients: { 'public-app': undefined } });
      const auth = oauth2RefreshToken({
        connector: 'crm.auth-test',
        tokenUrl: tokens.tokenUrl,
        clientId: 'public-app',
        refreshToken: tokens.grantRefreshToken(),
      });
      await clientOf(api, auth).get('/contacts');
      expect(tokens.requests[0]?.form).to.have.keys(['grant_type', 'refresh_token', 'client_id']);
    });
  });

  describe('JWT bearer (RFC 7523)', () => {
    const AUDIENCE = 'https://login.salesforce.com';
    const USERNAME = 'integration@acme.example';
    let privateKeyPem: string;
    let publicKey: KeyObject;

    before(() => {
      const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
      privateKeyPem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      publicKey = pair.publicKey;
    });

    async function salesforceLike() {
      return vendor({
        expiresInSeconds: null,
        jwt: { publicKey, issuer: CLIENT_ID, subject: USERNAME, audience: AUDIENCE },
      });
    }

    function bearer(tokenUrl: string, keyPem = privateKeyPem) {
      return jwtBearer({
        connector: 'crm.auth-test',
        tokenUrl,
        clientId: CLIENT_ID,
        username: USERNAME,
        privateKeyPem: keyPem,
        audience: AUDIENCE,
      });
    }

    it('when the assertion is signed with the registered key, then the server verifies it and the call succeeds', async () => {
      const { tokens, api } = await salesforceLike();
      expect(await clientOf(api, bearer(tokens.tokenUrl)).get('/contacts')).to.deep.equal({ ok: true });
      const [request] = tokens.requests;
      expect(request?.grantType).to.equal('urn:ietf:params:oauth:grant-type:jwt-bearer');
      expect(request?.clientAuth, 'the assertion is the credential').to.equal('none');
      expect(request?.jwt?.header).to.deep.equal({ alg: 'RS256', typ: 'JWT' });
      const claims = request?.jwt?.claims ?? {};
      expect(claims).to.include({ iss: CLIENT_ID, sub: USERNAME, aud: AUDIENCE });
      const now = Date.now() / 1000;
      expect(claims.exp).to.be.within(now, now + 180);
    });

    it('when the vendor gives no expires_in, then the token is reused until a 401 and renewed with a fresh assertion', async () => {
      const { tokens, api } = await salesforceLike();
      const client = clientOf(api, bearer(tokens.tokenUrl));
      await client.get('/contacts');
      await client.get('/contacts');
      expect(tokens.requests).to.have.length(1);
      tokens.revokeAccessTokens();
      await client.get('/contacts');
      expect(tokens.requests).to.have.length(2);
      expect(tokens.requests[1]?.form.assertion).not.to.equal(tokens.requests[0]?.form.assertion);
    });

    it('when the assertion is signed with another key, then UNAUTHORIZED is not retryable', async () => {
      const { tokens, api } = await salesforceLike();
      const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
        .privateKey.export({ type: 'pkcs1', format: 'pem' })
        .toString();
      const error = await connectorFailureOf(clientOf(api, bearer(tokens.tokenUrl, otherKey)).get('/contacts'));
      expect(error.toDetails()).to.deep.equal({
        code: 'UNAUTHORIZED',
        retryable: false,
        status: 400,
        vendorMessage: 'invalid_grant: signature invalid',
      });
      expect(api.hits).to.equal(0);
    });

    it('when the token endpoint answers 401, then UNAUTHORIZED is not retryable; when it answers 503, then it is retryable', async () => {
      const { tokens, api } = await salesforceLike();
      const client = clientOf(api, bearer(tokens.tokenUrl));
      tokens.failNext(401, { error: 'invalid_client' });
      expect((await connectorFailureOf(client.get('/contacts'))).toDetails()).to.include({
        code: 'UNAUTHORIZED',
        retryable: false,
        status: 401,
      });
      tokens.failNext(503, 'Service Unavailable');
      expect((await connectorFailureOf(client.get('/contacts'))).toDetails()).to.include({
        code: 'VENDOR_UNAVAILABLE',
        retryable: true,
        status: 503,
      });
      expect(await client.get('/contacts')).to.deep.equal({ ok: true });
      expectNoSecretsLogged([
        ...tokens.requests.map((r) => r.form.assertion ?? 'x'),
        ...tokens.issued,
        privateKeyPem.split('\n')[1] ?? 'x',
      ]);
    });

    it('when the key is not a PEM private key, then CONNECTOR_MISCONFIGURED at construction, without quoting it', () => {
      const bogus = '-----BEGIN PRIVATE KEY-----\nnot-really-a-key-zzz\n-----END PRIVATE KEY-----';
      try {
        bearer('https://login.example/token', bogus);
        expect.fail('should have thrown');
      } catch (error) {
        expect(error).to.be.instanceOf(ConnectorError);
        expect((error as ConnectorError).code).to.equal('CONNECTOR_MISCONFIGURED');
        expect((error as ConnectorError).message).not.to.contain('not-really-a-key');
      }
    });
  });

  describe('TokenCache', () => {
    it('when renewBeforeMs is set, then the token is renewed that long before it expires', async () => {
      let clock = 0;
      let calls = 0;
      const cache = new TokenCache(async () => ({ accessToken: `t${(calls += 1)}`, expiresInMs: 3_600_000 }), {
        renewBeforeMs: 60_000,
        now: () => clock,
      });
      expect(await cache.accessToken()).to.equal('t1');
      clock = 3_539_999;
      expect(await cache.accessToken()).to.equal('t1');
      clock = 3_540_000;
      expect(await cache.accessToken()).to.equal('t2');
    });

    it('when an early renewal fails transiently, then the current token is used until it really expires', async () => {
      let clock = 0;
      let calls = 0;
      const cache = new TokenCache(
        async () => {
          calls += 1;
          if (calls === 1) return { accessToken: 'first', expiresInMs: 10_000 };
          throw new ConnectorError('down', { code: 'VENDOR_UNAVAILABLE', retryable: true });
        },
        { renewBeforeMs: 2_000, now: () => clock },
      );
      expect(await cache.accessToken()).to.equal('first');
      clock = 8_500; // inside the renewal window
      expect(await cache.accessToken()).to.equal('first');
      clock = 10_000; // expired
      expect((await connectorFailureOf(cache.accessToken())).code).to.equal('VENDOR_UNAVAILABLE');
    });
  });

  describe('authFromSettings', () => {
    const headersOf = (settings: unknown) => authFromSettings(settings, { connector: 'crm.settings' }).headers();

    it('builds the static schemes from settings', async () => {
      expect(await headersOf({ type: 'bearer', token: 'tok' })).to.deep.equal({ Authorization: 'Bearer tok' });
      expect(await headersOf({ type: 'basic', username: 'u', password: 'p' })).to.deep.equal({
        Authorization: `Basic ${Buffer.from('u:p').toString('base64')}`,
      });
      expect(await headersOf({ type: 'apiKey', header: 'X-API-Key', key: 'k' })).to.deep.equal({ 'X-API-Key': 'k' });
    });

    it('builds a client-credentials flow that works against the token server', async () => {
      const { tokens, api } = await vendor();
      const settings: AuthSettings = {
        type: 'oauth2ClientCredentials',
        tokenUrl: tokens.tokenUrl,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        scope: 'read',
      };
      expect(authSettingsSchema.parse(settings)).to.deep.equal(settings);
      await clientOf(api, authFromSettings(settings, { connector: 'crm.auth-test' })).get('/contacts');
      expect(tokens.requests[0]?.form).to.include({ grant_type: 'client_credentials', scope: 'read' });
    });

    it('when settings are invalid, then CONNECTOR_MISCONFIGURED names the fields but never echoes a value', () => {
      const attempt = (settings: unknown) => {
        try {
          authFromSettings(settings, { connector: 'crm.settings' });
        } catch (error) {
          expect(error).to.be.instanceOf(ConnectorError);
          expect((error as ConnectorError).toDetails()).to.deep.equal({
            code: 'CONNECTOR_MISCONFIGURED',
            retryable: false,
          });
          return (error as ConnectorError).message;
        }
        return expect.fail('should have thrown');
      };
      const plainHttp = attempt({
        type: 'oauth2ClientCredentials',
        tokenUrl: 'http://vendor.example/token',
        clientId: 'c',
        clientSecret: 'leaky-secret-1',
      });
      expect(plainHttp).to.contain('auth.tokenUrl').and.not.to.contain('leaky-secret-1');
      const missing = attempt({
        type: 'oauth2RefreshToken',
        tokenUrl: 'https://vendor.example/token',
        clientId: 'c',
        refreshToken: 42,
      });
      expect(missing).to.contain('auth.refreshToken');
      expect(attempt({ type: 'saml', token: 'leaky-secret-2' }))
        .to.contain('auth.type')
        .and.not.to.contain('leaky-secret-2');
    });
  });
});
