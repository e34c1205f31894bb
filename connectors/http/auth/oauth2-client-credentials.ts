/**
 * OAuth2 client-credentials grant (RFC 6749 §4.4): machine-to-machine access for vendors such as
 * Microsoft Dynamics / Business Central, NetSuite REST or Zoho. The token is cached per injector
 * (one per connector instance), renewed before it expires and once after a 401.
 */
import type { AuthInjector } from './auth-injector';
import { cachedBearerAuth, TokenCache } from './token-cache';
import { requestToken, type ClientAuthMethod } from './token-endpoint';

export interface ClientCredentialsOptions {
  /** The connector instance name, for errors and logs. */
  connector: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Space-separated scopes, sent as `scope` when set. */
  scope?: string;
  /** Sent as `audience` when set (Auth0, some API gateways). */
  audience?: string;
  /** Further form parameters a vendor requires (e.g. `resource` for Azure AD v1). */
  extraParams?: Record<string, string>;
  /** Default 'post': credentials in the form; 'basic' sends them as HTTP Basic. */
  clientAuth?: ClientAuthMethod;
  /** Token request timeout; default 10 000 ms. */
  timeoutMs?: number;
  /** See TokenCacheOptions.renewBeforeMs; default 60 000 ms. */
  renewBeforeMs?: number;
}

export function oauth2ClientCredentials(options: ClientCredentialsOptions): AuthInjector {
  const grant: Record<string, string> = { ...options.extraParams, grant_type: 'client_credentials' };
  if (options.scope !== undefined) grant.scope = options.scope;
  if (options.audience !== undefined) grant.audience = options.audience;
  const endpoint = {
    connector: options.connector,
    tokenUrl: options.tokenUrl,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  };
  const client = {
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    clientAuth: options.clientAuth ?? 'post',
  };
  const cache = new TokenCache(
    () => requestToken(endpoint, client, grant),
    options.renewBeforeMs !== undefined ? { renewBeforeMs: options.renewBeforeMs } : {},
  );
  return cachedBearerAuth(cache);
}
