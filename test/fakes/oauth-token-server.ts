/**
 * A stateful OAuth2 authorisation server for tests: client-credentials, refresh-token (with
 * optional rotation) and JWT-bearer grants (RFC 7523, RS256 verified with a public key). It
 * remembers every token it issued so a fake resource server can check them, can revoke them,
 * and can be told to fail its next answers.
 */
import { randomBytes, verify, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeHttpServer } from './fake-http-server';
import { readBody, sendJson } from './listen';

export interface JwtBearerTrust {
  publicKey: KeyObject;
  issuer: string;
  subject: string;
  audience: string;
}

export interface OAuthTokenServerOptions {
  /** client id → secret; a client with an undefined secret is public. */
  clients?: Record<string, string | undefined>;
  /** expires_in of issued tokens; null omits it (as Salesforce does). Default 3600. */
  expiresInSeconds?: number | null;
  /** Issue a new refresh token with each refresh and invalidate the old one. */
  rotateRefreshTokens?: boolean;
  jwt?: JwtBearerTrust;
  /** Delay before answering, to let concurrent callers pile up. */
  delayMs?: number;
}

export interface TokenRequestRecord {
  grantType: string | null;
  form: Record<string, string>;
  /** How the client authenticated: 'basic', 'post' or 'none'. */
  clientAuth: 'basic' | 'post' | 'none';
  /** Decoded header and claims of a JWT assertion, when the grant carried one. */
  jwt?: { header: Record<string, unknown>; claims: Record<string, unknown> };
}

interface Failure {
  status: number;
  body: unknown;
}

const newToken = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

function decodePart(part: string | undefined): Record<string, unknown> {
  return JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

export class FakeOAuthTokenServer extends FakeHttpServer {
  readonly requests: TokenRequestRecord[] = [];
  /** Every access token ever issued, in order. */
  readonly issued: string[] = [];
  private readonly valid = new Set<string>();
  private readonly refreshTokens = new Set<string>();
  private readonly failures: Failure[] = [];

  constructor(private readonly options: OAuthTokenServerOptions = {}) {
    super();
  }

  get tokenUrl(): string {
    return `${this.url}/oauth2/token`;
  }

  /** A refresh token the server accepts, as if a user had authorised the app. */
  grantRefreshToken(): string {
    const token = newToken('rt');
    this.refreshTokens.add(token);
    return token;
  }

  isValid(accessToken: string): boolean {
    return this.valid.has(accessToken);
  }

  /** Revokes every access token issued so far (refresh tokens stay valid). */
  revokeAccessTokens(): void {
    this.valid.clear();
  }

  revokeRefreshTokens(): void {
    this.refreshTokens.clear();
  }

  /** The next `times` token requests get this answer instead of a token. */
  failNext(status: number, body: unknown = {}, times = 1): void {
    for (let i = 0; i < times; i += 1) this.failures.push({ status, body });
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const authorization = req.headers.authorization;
    const form = Object.fromEntries(new URLSearchParams(await readBody(req)));
    if (this.options.delayMs) await new Promise((resolve) => setTimeout(resolve, this.options.delayMs));
    let clientAuth: TokenRequestRecord['clientAuth'] = 'none';
    let clientId = form.client_id;
    let clientSecret = form.client_secret;
    if (authorization?.startsWith('Basic ')) {
      clientAuth = 'basic';
      const [id, secret] = Buffer.from(authorization.slice(6), 'base64')
        .toString('utf8')
        .split(':')
        .map((p) => decodeURIComponent(p.replace(/\+/g, ' ')));
      clientId = id;
      clientSecret = secret;
    } else if (clientId !== undefined) {
      clientAuth = 'post';
    }
    const record: TokenRequestRecord = { grantType: form.grant_type ?? null, form, clientAuth };
    this.requests.push(record);

    const failure = this.failures.shift();
    if (failure) return sendJson(res, failure.status, failure.body);
    if (method !== 'POST') return sendJson(res, 405, { error: 'invalid_request' });

    const clients = this.options.clients ?? {};
    const authenticateClient = () =>
      clientId !== undefined && clientId in clients && clients[clientId] === clientSecret;

    switch (form.grant_type) {
      case 'client_credentials':
        if (!authenticateClient())
          return sendJson(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed' });
        return this.issue(res);
      case 'refresh_token': {
        if (!authenticateClient())
          return sendJson(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed' });
        const presented = form.refresh_token ?? '';
        if (!this.refreshTokens.has(presented))
          return sendJson(res, 400, {
            error: 'invalid_grant',
            error_description: 'refresh token is invalid or expired',
          });
        if (!this.options.rotateRefreshTokens) return this.issue(res);
        this.refreshTokens.delete(presented);
        return this.issue(res, this.grantRefreshToken());
      }
      case 'urn:ietf:params:oauth:grant-type:jwt-bearer': {
        const problem = this.verifyAssertion(form.assertion ?? '', record);
        if (problem) return sendJson(res, 400, { error: 'invalid_grant', error_description: problem });
        return this.issue(res);
      }
      default:
        return sendJson(res, 400, { error: 'unsupported_grant_type' });
    }
  }

  /** RFC 7523 §3 checks; returns what is wrong, or undefined. */
  private verifyAssertion(assertion: string, record: TokenRequestRecord): string | undefined {
    const trust = this.options.jwt;
    if (!trust) return 'jwt bearer not configured';
    const parts = assertion.split('.');
    if (parts.length !== 3) return 'malformed assertion';
    const [header, claims] = [decodePart(parts[0]), decodePart(parts[1])];
    record.jwt = { header, claims };
    if (header.alg !== 'RS256') return 'unsupported alg';
    const signed = verify(
      'RSA-SHA256',
      Buffer.from(`${parts[0]}.${parts[1]}`),
      trust.publicKey,
      Buffer.from(parts[2] ?? '', 'base64url'),
    );
    if (!signed) return 'signature invalid';
    const now = Math.floor(Date.now() / 1000);
    if (claims.iss !== trust.issuer) return 'wrong issuer';
    if (claims.sub !== trust.subject) return "user hasn't approved this consumer";
    if (claims.aud !== trust.audience) return 'audience invalid';
    if (typeof claims.exp !== 'number' || claims.exp <= now || claims.exp > now + 180) return 'expiration invalid';
    return undefined;
  }

  private issue(res: ServerResponse, refreshToken?: string): void {
    const accessToken = newToken('at');
    this.issued.push(accessToken);
    this.valid.add(accessToken);
    const expiresIn = this.options.expiresInSeconds === undefined ? 3600 : this.options.expiresInSeconds;
    sendJson(res, 200, {
      access_token: accessToken,
      token_type: 'Bearer',
      ...(expiresIn !== null ? { expires_in: expiresIn } : {}),
      ...(refreshToken !== undefined ? { refresh_token: refreshToken } : {}),
    });
  }
}
