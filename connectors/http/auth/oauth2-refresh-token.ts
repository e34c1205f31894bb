/**
 * OAuth2 refresh-token grant (RFC 6749 §6): a user authorised Junction once (HubSpot, Salesforce
 * web flow, Xero, QuickBooks) and the stored refresh token buys access tokens from then on.
 * Servers that rotate refresh tokens return a new one with each access token: it replaces the
 * old one here and is handed to `onRefreshTokenRotated` so the caller can persist it.
 */
import { getLogger } from '../../../logging/logger';
import type { AuthInjector } from './auth-injector';
import { cachedBearerAuth, TokenCache } from './token-cache';
import { requestToken, type ClientAuthMethod } from './token-endpoint';

export interface RefreshTokenOptions {
  /** The connector instance name, for errors and logs. */
  connector: string;
  tokenUrl: string;
  clientId: string;
  /** Absent for public clients. */
  clientSecret?: string;
  refreshToken: string;
  /** Narrows the scopes of the access token when set. */
  scope?: string;
  /** Default 'post': credentials in the form; 'basic' sends them as HTTP Basic. */
  clientAuth?: ClientAuthMethod;
  /**
   * Called with the new refresh token after the server rotated it. Persist it (encrypted):
   * the old one is usually dead by now, so a restart without it needs a new authorisation.
   * A failure here is logged, not thrown: the fresh access token is still good to use.
   */
  onRefreshTokenRotated?: (refreshToken: string) => void | Promise<void>;
  /** Token request timeout; default 10 000 ms. */
  timeoutMs?: number;
  /** See TokenCacheOptions.renewBeforeMs; default 60 000 ms. */
  renewBeforeMs?: number;
}

export function oauth2RefreshToken(options: RefreshTokenOptions): AuthInjector {
  const { connector } = options;
  let refreshToken = options.refreshToken;
  const endpoint = {
    connector,
    tokenUrl: options.tokenUrl,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  };
  const client = {
    clientId: options.clientId,
    ...(options.clientSecret !== undefined ? { clientSecret: options.clientSecret } : {}),
    clientAuth: options.clientAuth ?? 'post',
  };

  async function fetchToken() {
    const form: Record<string, string> = { grant_type: 'refresh_token', refresh_token: refreshToken };
    if (options.scope !== undefined) form.scope = options.scope;
    const grant = await requestToken(endpoint, client, form);
    if (grant.refreshToken !== undefined && grant.refreshToken !== refreshToken) {
      refreshToken = grant.refreshToken;
      try {
        await options.onRefreshTokenRotated?.(grant.refreshToken);
      } catch (error) {
        getLogger().error('rotated refresh token could not be persisted', {
          connector,
          reason: error instanceof Error ? error.name : 'unknown',
        });
      }
    }
    return grant;
  }

  return cachedBearerAuth(
    new TokenCache(fetchToken, options.renewBeforeMs !== undefined ? { renewBeforeMs: options.renewBeforeMs } : {}),
  );
}
