/**
 * The Salesforce fake's token endpoint (`POST /services/oauth2/token`): the client-credentials
 * flow (client id and secret in the form or as HTTP Basic) and the JWT bearer flow (RS256
 * assertion verified with the connected app's certificate key; iss = consumer key, sub = user,
 * aud = login URL, exp at most 3 minutes ahead). Answers as Salesforce does: no expires_in,
 * `instance_url`, `id`, `issued_at`, `signature`; refusals as `{ error, error_description }`.
 */
import { createHmac, randomBytes, verify, type KeyObject } from 'node:crypto';

export interface SalesforceFakeOAuthOptions {
  clientId: string;
  clientSecret: string;
  /** The JWT bearer flow's trust: the certificate's public key, the pre-authorised user and the audience. */
  jwt?: { publicKey: KeyObject; username: string; audience: string };
}

export interface TokenAnswer {
  status: number;
  body: Record<string, string>;
}

const ORG_ID = '00D5g000004XyZ1EAK';
const USER_ID = '0055g00000AbCdEAAV';

function decodePart(part: string | undefined): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

export class SalesforceFakeOAuth {
  /** Grant types of every token request, in order. */
  readonly grants: string[] = [];
  private readonly valid = new Set<string>();
  private readonly signingKey = randomBytes(32);

  constructor(private readonly options: SalesforceFakeOAuthOptions) {}

  isValid(token: string): boolean {
    return this.valid.has(token);
  }

  /** Every session ends (timeout, revocation): the next API call answers 401 INVALID_SESSION_ID. */
  expireSessions(): void {
    this.valid.clear();
  }

  token(form: URLSearchParams, authorization: string | undefined, instanceUrl: string): TokenAnswer {
    const grant = form.get('grant_type') ?? '';
    this.grants.push(grant);
    if (grant === 'client_credentials') {
      let [id, secret] = [form.get('client_id'), form.get('client_secret')];
      if (authorization?.startsWith('Basic ')) {
        [id = null, secret = null] = Buffer.from(authorization.slice(6), 'base64')
          .toString('utf8')
          .split(':')
          .map((p) => decodeURIComponent(p.replace(/\+/g, ' ')));
      }
      if (id !== this.options.clientId || secret !== this.options.clientSecret)
        return { status: 400, body: { error: 'invalid_client', error_description: 'invalid client credentials' } };
      return this.issue(instanceUrl, true);
    }
    if (grant === 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      const problem = this.checkAssertion(form.get('assertion') ?? '');
      return problem === undefined
        ? this.issue(instanceUrl, false)
        : { status: 400, body: { error: 'invalid_grant', error_description: problem } };
    }
    return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'grant type not supported' } };
  }

  private checkAssertion(assertion: string): string | undefined {
    const trust = this.options.jwt;
    const parts = assertion.split('.');
    if (trust === undefined || parts.length !== 3) return 'invalid assertion';
    const [header, claims] = [decodePart(parts[0]), decodePart(parts[1])];
    if (header.alg !== 'RS256') return 'invalid assertion';
    if (
      !verify(
        'RSA-SHA256',
        Buffer.from(`${parts[0]}.${parts[1]}`),
        trust.publicKey,
        Buffer.from(parts[2] ?? '', 'base64url'),
      )
    )
      return 'invalid assertion';
    const now = Math.floor(Date.now() / 1000);
    if (claims.iss !== this.options.clientId) return 'invalid client credentials';
    if (claims.aud !== trust.audience) return 'audience is invalid';
    if (claims.sub !== trust.username) return "user hasn't approved this consumer";
    if (typeof claims.exp !== 'number' || claims.exp <= now || claims.exp > now + 180)
      return 'expired authorization code';
    return undefined;
  }

  private issue(instanceUrl: string, signed: boolean): TokenAnswer {
    const accessToken = `${ORG_ID.slice(0, 15)}!AQ${randomBytes(24).toString('base64url')}`;
    this.valid.add(accessToken);
    const id = `${instanceUrl}/id/${ORG_ID}/${USER_ID}`;
    const issuedAt = String(Date.now());
    const signature = createHmac('sha256', this.signingKey)
      .update(id + issuedAt)
      .digest('base64');
    return {
      status: 200,
      body: {
        access_token: accessToken,
        ...(signed ? { signature } : {}),
        scope: 'api',
        instance_url: instanceUrl,
        id,
        token_type: 'Bearer',
        ...(signed ? { issued_at: issuedAt } : {}),
      },
    };
  }
}
