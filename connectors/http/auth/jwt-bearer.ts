/**
 * OAuth2 JWT bearer grant (RFC 7523 §2.1), as Salesforce's server-to-server flow uses it: sign
 * a short-lived JWT with the connected app's RSA private key (RS256) — iss = client id, sub =
 * the integration user, aud = the login URL — and exchange it for an access token. Each renewal
 * signs a fresh assertion. Salesforce does not return expires_in: its token is kept until a 401.
 */
import { createPrivateKey, randomUUID, sign, type KeyObject } from 'node:crypto';
import { ConnectorError } from '../../connector-error';
import { ConnectorErrorCode } from '../../connector-error-codes';
import type { AuthInjector } from './auth-injector';
import { cachedBearerAuth, TokenCache } from './token-cache';
import { requestToken } from './token-endpoint';

export const JWT_BEARER_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Salesforce accepts assertions expiring at most 3 minutes ahead; 150 s leaves room for clock skew. */
export const DEFAULT_ASSERTION_LIFETIME_SECONDS = 150;
const MAX_ASSERTION_LIFETIME_SECONDS = 180;

export interface JwtBearerOptions {
  /** The connector instance name, for errors and logs. */
  connector: string;
  tokenUrl: string;
  /** The `iss` claim: the connected app's consumer key. */
  clientId: string;
  /** The `sub` claim: the user the integration acts as. */
  username: string;
  /** PKCS#8 or PKCS#1 PEM of the RSA key whose certificate the vendor holds. */
  privateKeyPem: string;
  /** The `aud` claim: `https://login.salesforce.com` (or test.salesforce.com, or the My Domain URL). */
  audience: string;
  /** Seconds until the assertion expires; default 150, at most 180. */
  assertionLifetimeSeconds?: number;
  /** Token request timeout; default 10 000 ms. */
  timeoutMs?: number;
  /** See TokenCacheOptions.renewBeforeMs; default 60 000 ms. */
  renewBeforeMs?: number;
}

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

/** A compact JWS (RFC 7515) over `claims`, signed RS256. */
export function signRs256Jwt(claims: Record<string, unknown>, key: KeyObject): string {
  const signingInput = `${base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
  return `${signingInput}.${base64url(sign('RSA-SHA256', Buffer.from(signingInput), key))}`;
}

function misconfigured(connector: string, what: string): ConnectorError {
  return new ConnectorError(`${connector}: ${what}`, { code: ConnectorErrorCode.Misconfigured, retryable: false });
}

/** Parses the key once, up front: a bad key is a configuration error, not a failing call. */
function rsaPrivateKey(connector: string, pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    // The parser's message is dropped on purpose: it may quote part of the key.
    throw misconfigured(connector, 'privateKeyPem is not a readable PEM private key');
  }
  if (key.asymmetricKeyType !== 'rsa')
    throw misconfigured(
      connector,
      `privateKeyPem must be an RSA key for RS256, not ${key.asymmetricKeyType ?? 'unknown'}`,
    );
  return key;
}

export function jwtBearer(options: JwtBearerOptions): AuthInjector {
  const { connector } = options;
  const key = rsaPrivateKey(connector, options.privateKeyPem);
  const lifetime = options.assertionLifetimeSeconds ?? DEFAULT_ASSERTION_LIFETIME_SECONDS;
  if (!(lifetime > 0 && lifetime <= MAX_ASSERTION_LIFETIME_SECONDS)) {
    throw misconfigured(connector, `assertionLifetimeSeconds must be within 1..${MAX_ASSERTION_LIFETIME_SECONDS}`);
  }
  const endpoint = {
    connector,
    tokenUrl: options.tokenUrl,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  };

  function assertion(): string {
    const issuedAt = Math.floor(Date.now() / 1000);
    return signRs256Jwt(
      {
        iss: options.clientId,
        sub: options.username,
        aud: options.audience,
        iat: issuedAt,
        exp: issuedAt + lifetime,
        jti: randomUUID(),
      },
      key,
    );
  }

  // The signed assertion authenticates the client: no client_id/secret goes in the form.
  const fetchToken = () => requestToken(endpoint, null, { grant_type: JWT_BEARER_GRANT_TYPE, assertion: assertion() });
  return cachedBearerAuth(
    new TokenCache(fetchToken, options.renewBeforeMs !== undefined ? { renewBeforeMs: options.renewBeforeMs } : {}),
  );
}
