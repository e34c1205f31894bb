import { createServer, type Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { expect } from 'chai';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import winston from 'winston';
import { ConfigError, loadConfig } from '../../config';
import { createApp } from '../../server/api/app';
import { createApiKeysService } from '../../server/auth/api-keys.service';
import { getLogger, replaceLogger } from '../../logging/logger';
import { startApiServer, type RunningApiServer } from '../../server/api/server';
import { call, expectProblem, type Reply } from '../support/api-client';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { auditRowOf } from './admin-api.support';

const ISSUER = 'https://idp.junction.test/realms/ops';
const AUDIENCE = 'junction-api';

interface SigningKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function signingKey(kid: string, alg: 'RS256' | 'ES256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** An identity provider's JWKS endpoint: serves the public keys it is given, or a 500 when told to. */
class JwksServer {
  keys: JWK[] = [];
  failing = false;
  fetches = 0;
  private readonly server: Server = createServer((_req, res) => {
    this.fetches += 1;
    if (this.failing) {
      res.writeHead(500).end('identity provider down');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: this.keys }));
  });

  async start(): Promise<string> {
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}/protocol/openid-connect/certs`;
  }

  async stop(): Promise<void> {
    await new Promise((done) => this.server.close(done));
  }
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('OIDC bearer tokens (e2e): JWTs verified against a JWKS, beside API keys', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let connection: Connection;
  let temporal: Client;
  let jwks: JwksServer;
  let jwksUrl: string;
  let server: RunningApiServer;
  let rs: SigningKey;
  let es: SigningKey;
  let stranger: SigningKey;
  const servers: RunningApiServer[] = [];

  async function startApp(env: Record<string, string>): Promise<RunningApiServer> {
    const app = createApp({
      config: loadConfig({ OIDC_JWKS_URL: jwksUrl, OIDC_ISSUER: ISSUER, OIDC_AUDIENCE: AUDIENCE, ...env }, false),
      temporal,
      models: db.models,
    });
    const running = await startApiServer(app, 0);
    servers.push(running);
    return running;
  }

  /** A token as the identity provider issues it; `claims` and `header` override the defaults. */
  function token(
    claims: JWTPayload & { scope?: unknown; scp?: unknown },
    options: { key?: SigningKey; kid?: string; expiresIn?: string | number } = {},
  ): Promise<string> {
    const key = options.key ?? rs;
    return new SignJWT({ sub: 'alice@ops', scope: 'runs:read', ...claims })
      .setProtectedHeader({ alg: key.alg, kid: options.kid ?? key.kid, typ: 'at+jwt' })
      .setIssuer(claims.iss ?? ISSUER)
      .setAudience(claims.aud ?? AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? '5m')
      .sign(key.privateKey);
  }

  const get = (path: string, bearer: string, url = server.url): Promise<Reply> => call(url, 'GET', path, { bearer });

  before(async () => {
    db = await createTestDatabase('api_oidc');
    // These routes never call Temporal: a lazy connection that is never used is enough.
    connection = Connection.lazy({ address: '127.0.0.1:1' });
    temporal = new Client({ connection });
    rs = await signingKey('rs-1', 'RS256');
    es = await signingKey('es-1', 'ES256');
    stranger = await signingKey('rs-1', 'RS256');
    jwks = new JwksServer();
    jwksUrl = await jwks.start();
    jwks.keys = [rs.publicJwk, es.publicJwk];
    server = await startApp({});
  });

  after(async () => {
    for (const running of servers) await running.close();
    await jwks?.stop();
    await connection?.close();
    await db?.destroy();
  });

  describe('accepted tokens', () => {
    it('lets a valid token through with the scopes of its claim, RS256 and ES256 alike', async () => {
      expect((await get('/v1/workflows', await token({ scope: 'openid profile runs:read' }))).status).to.equal(200);
      expect((await get('/v1/workflows', await token({ scope: 'runs:read' }, { key: es }))).status).to.equal(200);
      const admin = await get('/v1/keys', await token({ scope: 'admin' }));
      expect(admin.status, admin.text).to.equal(200);
    });

    it('reads the scopes from a configured claim holding an array, ignoring scopes Junction does not know', async () => {
      const scp = await startApp({ OIDC_SCOPES_CLAIM: 'scp' });
      const reader = await token({ scope: 'admin', scp: ['runs:read', 'billing:everything'] });
      expect((await get('/v1/workflows', reader, scp.url)).status).to.equal(200);
      // `scope` says admin, but this app reads `scp`: the token is a reader there.
      expectProblem(await get('/v1/keys', reader, scp.url), 403);
    });

    it('when a token carries process-limited scopes, then it acts on those processes only, and a malformed one grants nothing', async () => {
      const orders = await token({ scope: 'runs:read:orderToCash runs:write:order:to:cash' });
      const catalog = await get('/v1/workflows', orders);
      expect(catalog.status, catalog.text).to.equal(200);
      expect((catalog.body.items as { type: string }[]).map((entry) => entry.type)).to.deep.equal(['orderToCash']);
      const refused = await get('/v1/runs?type=notificationFanout', orders);
      expectProblem(refused, 403);
      expect(refused.body.detail).to.equal('This token lacks "runs:read:notificationFanout".');
      // runs:write:order:to:cash is not a scope: it is dropped, and the token may start nothing.
      expectProblem(
        await call(server.url, 'POST', '/v1/runs', { bearer: orders, body: { type: 'orderToCash', input: {} } }),
        403,
      );
    });

    it('keeps API keys working beside tokens', async () => {
      const key = await createApiKeysService({ apiKeys: db.models.ApiKey }).createKey({
        name: 'beside-oidc',
        scopes: ['runs:read'],
      });
      expect((await get('/v1/workflows', key.key)).status).to.equal(200);
    });
  });

  describe('refused tokens', () => {
    it('answers 401 to a wrong issuer or audience, an expired or not-yet-valid token, and a token without a subject', async () => {
      const now = Math.floor(Date.now() / 1000);
      const refused: [string, string][] = [
        ['wrong issuer', await token({ iss: 'https://evil.example/realms/ops' })],
        ['wrong audience', await token({ aud: 'some-other-api' })],
        ['expired', await token({}, { expiresIn: now - 120 })],
        ['not yet valid', await token({ nbf: now + 3600 })],
        ['no subject', await token({ sub: undefined })],
      ];
      for (const [why, bearer] of refused) {
        const reply = await get('/v1/workflows', bearer);
        expect(reply.status, why).to.equal(401);
        expectProblem(reply, 401, 'unauthorized');
      }
    });

    it('answers 401 to a bad signature, an unknown key, an unsigned token, and an algorithm the API does not allow', async () => {
      const good = await token({});
      const [header, payload] = good.split('.');
      const refused: [string, string][] = [
        ['signed by a stranger under a known kid', await token({}, { key: stranger })],
        [
          'tampered payload',
          `${header}.${base64url({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), scope: 'admin' })}.${good.split('.')[2]}`,
        ],
        ['unknown kid', await token({}, { kid: 'rs-unknown' })],
        ['alg none', `${base64url({ alg: 'none', kid: 'rs-1' })}.${payload}.AAAA`],
        ['alg none, empty signature', `${base64url({ alg: 'none', kid: 'rs-1' })}.${payload}.`],
        [
          'HS256 with the public key as secret',
          await new SignJWT({ sub: 'mallory', scope: 'admin' })
            .setProtectedHeader({ alg: 'HS256', kid: 'rs-1' })
            .setIssuer(ISSUER)
            .setAudience(AUDIENCE)
            .setExpirationTime('5m')
            .sign(Buffer.from(JSON.stringify(rs.publicJwk))),
        ],
      ];
      for (const [why, bearer] of refused) expect((await get('/v1/workflows', bearer)).status, why).to.equal(401);

      const rsOnly = await startApp({ OIDC_ALLOWED_ALGS: 'RS256' });
      expect((await get('/v1/workflows', await token({}), rsOnly.url)).status).to.equal(200);
      expect((await get('/v1/workflows', await token({}, { key: es }), rsOnly.url)).status).to.equal(401);
    });

    it('answers 403 to a valid token without the route scope, naming the scope', async () => {
      const reader = await token({ scope: 'runs:read runs:write' });
      const reply = await call(server.url, 'POST', '/v1/keys', {
        bearer: reader,
        body: { name: 'x', scopes: ['admin'] },
      });
      expectProblem(reply, 403, 'forbidden');
      expect(reply.body.detail).to.equal('This token lacks the "admin" scope.');
    });

    it('answers 503 when the key set cannot be fetched, and recovers when it can', async () => {
      const quiet = getLogger();
      replaceLogger(winston.createLogger({ silent: true }));
      try {
        jwks.failing = true;
        // A fresh app has no key set cached yet.
        const fresh = await startApp({});
        const down = await get('/v1/workflows', await token({}), fresh.url);
        expectProblem(down, 503, 'dependency-unavailable');
        jwks.failing = false;
        expect((await get('/v1/workflows', await token({}), fresh.url)).status).to.equal(200);
      } finally {
        jwks.failing = false;
        replaceLogger(quiet);
      }
    });
  });

  describe('audit', () => {
    it('names the token subject as the actor of a call, successful or refused, and GET /v1/audit finds it', async () => {
      const admin = await token({ sub: 'ops-lead-7', scope: 'admin' });
      const created = await call(server.url, 'POST', '/v1/keys', {
        bearer: admin,
        body: { name: 'made-by-oidc', scopes: ['runs:read'] },
      });
      expect(created.status, created.text).to.equal(201);
      const row = await auditRowOf(db, created);
      expect(row).to.deep.include({
        actor: 'oidc:ops-lead-7',
        action: 'keys.create',
        outcome: 'success',
        statusCode: 201,
      });
      expect(row.details).to.deep.include({ principal: { kind: 'oidc', subject: 'ops-lead-7', issuer: ISSUER } });

      const reader = await token({ sub: 'ops-viewer-3', scope: 'runs:read' });
      const refused = await call(server.url, 'POST', '/v1/keys', {
        bearer: reader,
        body: { name: 'not-allowed', scopes: ['admin'] },
      });
      expectProblem(refused, 403);
      expect(await auditRowOf(db, refused)).to.deep.include({
        actor: 'oidc:ops-viewer-3',
        outcome: 'failure',
        statusCode: 403,
      });

      const found = await get('/v1/audit?actor=ops-lead-7', admin);
      expect(found.status, found.text).to.equal(200);
      const items = found.body.items as { requestId: string; actor: string; principal: unknown }[];
      expect(items.map((item) => item.requestId)).to.deep.equal([created.headers.get('x-request-id')]);
      expect(items[0]!.principal).to.deep.equal({ kind: 'oidc', subject: 'ops-lead-7', issuer: ISSUER });
      expect(JSON.stringify(await db.models.AuditEntry.findAll())).not.to.contain(admin.split('.')[2]!);
    });
  });

  describe('configuration', () => {
    const base = { OIDC_JWKS_URL: 'https://idp.example/certs', OIDC_ISSUER: ISSUER, OIDC_AUDIENCE: AUDIENCE };
    const problemsOf = (env: Record<string, string>): string[] => {
      try {
        loadConfig(env, false);
      } catch (error) {
        if (error instanceof ConfigError) return [...error.problems];
        throw error;
      }
      return [];
    };

    it('is off by default and on with all three settings, with the scope claim and every asymmetric algorithm by default', () => {
      expect(loadConfig({}, false).oidc).to.equal(null);
      expect(loadConfig(base, false).oidc).to.deep.include({
        jwksUrl: base.OIDC_JWKS_URL,
        issuer: ISSUER,
        audience: AUDIENCE,
        scopesClaim: 'scope',
      });
      expect(loadConfig(base, false).oidc!.algorithms)
        .to.include.members(['RS256', 'ES256', 'EdDSA'])
        .and.not.include('HS256');
    });

    it('refuses a partial setting, naming what is missing, and a bad URL or algorithm, naming the variable', () => {
      expect(problemsOf({ OIDC_JWKS_URL: base.OIDC_JWKS_URL })).to.deep.equal([
        'OIDC_ISSUER: is required when OIDC_JWKS_URL is set',
        'OIDC_AUDIENCE: is required when OIDC_JWKS_URL is set',
      ]);
      expect(problemsOf({ OIDC_ISSUER: ISSUER, OIDC_AUDIENCE: AUDIENCE })).to.deep.equal([
        'OIDC_JWKS_URL: is required when OIDC_ISSUER and OIDC_AUDIENCE are set',
      ]);
      expect(problemsOf({ ...base, OIDC_JWKS_URL: 'ftp://idp.example/certs' })[0]).to.match(/^OIDC_JWKS_URL: /);
      expect(problemsOf({ ...base, OIDC_ALLOWED_ALGS: 'RS256,HS256' })[0]).to.match(/^OIDC_ALLOWED_ALGS/);
      expect(
        problemsOf({
          ...base,
          NODE_ENV: 'production',
          OIDC_JWKS_URL: 'http://idp.example/certs',
          JUNCTION_MASTER_KEY: 'x'.repeat(32),
        }),
      ).to.deep.equal(['OIDC_JWKS_URL: must use https:// in production']);
    });
  });
});
