/**
 * One request to an OAuth2 token endpoint (RFC 6749 §3.2): a form-encoded POST answered with
 * JSON. Every failure becomes a ConnectorError: a refused credential or grant (400 or 401 —
 * invalid_client, invalid_grant, unauthorized_client …) is UNAUTHORIZED and not retryable,
 * network errors, timeouts, 429 and 5xx are retryable. The form (client secrets, assertions,
 * refresh tokens) and the answer (tokens) are never logged and never attached to an error.
 * The connection passes the egress policy like every other connector call (connectors/egress).
 */
import axios from 'axios';
import { z } from 'zod';
import { getLogger } from '../../../logging/logger';
import { ConnectorError } from '../../connector-error';
import { createGuardedAgents } from '../../egress/guarded-agents';
import { ConnectorErrorCode } from '../../connector-error-codes';
import { classifyHttpError, requestPath } from '../classify-http-error';

/** How the client authenticates to the token endpoint (RFC 6749 §2.3.1). */
export type ClientAuthMethod = 'post' | 'basic';

export interface TokenEndpoint {
  /** The connector instance name, for errors and logs. */
  connector: string;
  tokenUrl: string;
  /** Default 10 000 ms. */
  timeoutMs?: number;
}

export interface TokenClient {
  clientId: string;
  /** Absent for public clients (some refresh-token integrations). */
  clientSecret?: string;
  /** 'post' (default): client_id and client_secret in the form; 'basic': an Authorization header. */
  clientAuth?: ClientAuthMethod;
}

/** What a token endpoint granted; `expiresInMs` is absent when the vendor does not say (Salesforce). */
export interface TokenGrant {
  accessToken: string;
  expiresInMs?: number;
  /** A rotated refresh token, when the server issued a new one. */
  refreshToken?: string;
}

export const DEFAULT_TOKEN_TIMEOUT_MS = 10_000;
/** A token answer is a few hundred bytes; anything far larger is not one. */
const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;
/** Shared by every token request of the process; tokens are renewed rarely, so no connection is kept open. */
const agents = createGuardedAgents({ keepAlive: false });

const seconds = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: seconds.pipe(z.number().positive()).optional(),
  refresh_token: z.string().min(1).optional(),
});

function basicCredentials(clientId: string, clientSecret: string): string {
  // RFC 6749 §2.3.1: each part form-urlencoded before Base64.
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`, 'utf8').toString('base64')}`;
}

function addClientAuthentication(client: TokenClient, form: URLSearchParams, headers: Record<string, string>): void {
  if (client.clientAuth === 'basic' && client.clientSecret !== undefined) {
    headers.Authorization = basicCredentials(client.clientId, client.clientSecret);
    return;
  }
  form.set('client_id', client.clientId);
  if (client.clientSecret !== undefined) form.set('client_secret', client.clientSecret);
}

/** Statuses with which a token endpoint refuses the credential or grant: no retry fixes them. */
const REFUSED_STATUSES = new Set([400, 401]);

function tokenRequestError(error: unknown, endpoint: TokenEndpoint): ConnectorError {
  const { connector } = endpoint;
  const base = classifyHttpError(error, connector);
  const detail = base.message.startsWith(`${connector}: `) ? base.message.slice(connector.length + 2) : base.message;
  const refused = base.status !== undefined && REFUSED_STATUSES.has(base.status);
  return new ConnectorError(`${connector}: token request ${refused ? 'refused' : 'failed'}: ${detail}`, {
    ...base.toDetails(),
    ...(refused ? { code: ConnectorErrorCode.Unauthorized, retryable: false } : {}),
  });
}

/**
 * Posts `grant` (plus the client's credentials, unless `client` is null because the grant
 * itself authenticates, as a signed JWT assertion does) to the token endpoint.
 * Redirects are not followed: a token endpoint that redirects would take the secret elsewhere.
 */
export async function requestToken(
  endpoint: TokenEndpoint,
  client: TokenClient | null,
  grant: Record<string, string>,
): Promise<TokenGrant> {
  const form = new URLSearchParams(grant);
  const headers: Record<string, string> = {
    'Content-Type': 'application/x-www-form-urlencoded',
    Accept: 'application/json',
  };
  if (client !== null) addClientAuthentication(client, form, headers);
  const started = performance.now();
  const path = requestPath(endpoint.tokenUrl, undefined);
  let data: unknown;
  try {
    ({ data } = await axios.post<unknown>(endpoint.tokenUrl, form.toString(), {
      headers,
      timeout: endpoint.timeoutMs ?? DEFAULT_TOKEN_TIMEOUT_MS,
      maxRedirects: 0,
      maxContentLength: MAX_TOKEN_RESPONSE_BYTES,
      httpAgent: agents.httpAgent,
      httpsAgent: agents.httpsAgent,
      proxy: false,
    }));
  } catch (error) {
    const failure = tokenRequestError(error, endpoint);
    getLogger().debug('oauth token request failed', {
      connector: endpoint.connector,
      path,
      grantType: grant.grant_type,
      status: failure.status,
      code: failure.code,
    });
    throw failure;
  }
  const parsed = tokenResponseSchema.safeParse(data);
  if (!parsed.success) {
    // Field names only: the body may hold a token in an unexpected place.
    throw new ConnectorError(`${endpoint.connector}: token endpoint ${path} answered without a usable access_token`, {
      code: ConnectorErrorCode.Misconfigured,
      retryable: false,
    });
  }
  const { access_token: accessToken, expires_in: expiresIn, refresh_token: refreshToken } = parsed.data;
  getLogger().debug('oauth token issued', {
    connector: endpoint.connector,
    path,
    grantType: grant.grant_type,
    expiresInSeconds: expiresIn,
    rotatedRefresh: refreshToken !== undefined,
    durationMs: Math.round(performance.now() - started),
  });
  return {
    accessToken,
    ...(expiresIn !== undefined ? { expiresInMs: expiresIn * 1000 } : {}),
    ...(refreshToken !== undefined ? { refreshToken } : {}),
  };
}
