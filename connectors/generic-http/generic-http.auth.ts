/**
 * The auth injector of an `http/http` instance: the scheme chosen in its settings, the secrets
 * from its credentials, built by the shared auth factory (connectors/http/auth), so OAuth2 tokens
 * are cached, renewed before they expire and once after a 401 as for every vendor.
 * Messages name fields, never values.
 */
import { ConnectorError } from '../connector-error';
import { ConnectorErrorCode } from '../connector-error-codes';
import { authFromSettings, type AuthInjector } from '../http';
import type { HttpAuthSettings, HttpCredentials } from './generic-http.settings';

/** The credential fields each scheme takes. */
const NEEDS: Readonly<Record<Exclude<HttpAuthSettings['type'], 'none'>, readonly string[]>> = {
  bearer: ['token'],
  basic: ['username', 'password'],
  apiKey: ['key'],
  oauth2ClientCredentials: ['clientId', 'clientSecret'],
};

function misconfigured(connector: string, message: string): ConnectorError {
  return new ConnectorError(`${connector}: ${message}`, { code: ConnectorErrorCode.Misconfigured, retryable: false });
}

/** Refuses credentials that do not fit the scheme: a secret is never sent in a way nobody chose. */
function credentialsFor(
  connector: string,
  auth: HttpAuthSettings,
  credentials: HttpCredentials,
): Record<string, string> {
  const given = Object.keys(credentials ?? {}).sort();
  if (auth.type === 'none') {
    if (given.length > 0)
      throw misconfigured(connector, 'settings.auth.type is none, so the instance takes no credentials');
    return {};
  }
  const wanted = [...NEEDS[auth.type]].sort();
  if (given.join() !== wanted.join())
    throw misconfigured(connector, `settings.auth.type ${auth.type} needs credentials ${wanted.join(', ')}`);
  return credentials as Record<string, string>;
}

/** Undefined for `none`. */
export function httpAuthInjector(
  connector: string,
  auth: HttpAuthSettings,
  credentials: HttpCredentials,
): AuthInjector | undefined {
  const secrets = credentialsFor(connector, auth, credentials);
  switch (auth.type) {
    case 'none':
      return undefined;
    case 'bearer':
      return authFromSettings({ type: 'bearer', token: secrets.token }, { connector });
    case 'basic':
      return authFromSettings({ type: 'basic', username: secrets.username, password: secrets.password }, { connector });
    case 'apiKey':
      return authFromSettings({ type: 'apiKey', header: auth.header, key: secrets.key }, { connector });
    case 'oauth2ClientCredentials':
      return authFromSettings(
        { ...auth, clientId: secrets.clientId, clientSecret: secrets.clientSecret },
        { connector },
      );
  }
}

/** The header the scheme writes, which a request's own headers must not replace. */
export function authHeaderName(auth: HttpAuthSettings): string | undefined {
  if (auth.type === 'none') return undefined;
  return auth.type === 'apiKey' ? auth.header.toLowerCase() : 'authorization';
}
