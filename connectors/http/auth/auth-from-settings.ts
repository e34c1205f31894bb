/**
 * Builds a connector's AuthInjector from its stored credentials, declared as data: vendor
 * connectors validate their `auth` settings with `authSettingsSchema` (or let authFromSettings
 * do it) and never construct injectors by hand. Validation messages name fields, never values.
 */
import { z } from 'zod';
import { ConnectorError } from '../../connector-error';
import { ConnectorErrorCode } from '../../connector-error-codes';
import type { AuthInjector } from './auth-injector';
import { jwtBearer } from './jwt-bearer';
import { oauth2ClientCredentials } from './oauth2-client-credentials';
import { oauth2RefreshToken } from './oauth2-refresh-token';
import { apiKeyHeader, basicAuth, bearerToken } from './static-auth';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Secrets travel to token endpoints only over TLS; plain http is accepted for local fakes. */
const tokenUrl = z.url().refine(
  (value) => {
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
  },
  { message: 'must be an https:// URL (http:// only for localhost)' },
);
const secret = z.string().min(1);
const clientAuth = z.enum(['post', 'basic']).optional();

export const authSettingsSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('bearer'), token: secret }),
  z.object({ type: z.literal('basic'), username: z.string().min(1), password: secret }),
  z.object({
    type: z.literal('apiKey'),
    header: z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name'),
    key: secret,
  }),
  z.object({
    type: z.literal('oauth2ClientCredentials'),
    tokenUrl,
    clientId: z.string().min(1),
    clientSecret: secret,
    scope: z.string().min(1).optional(),
    audience: z.string().min(1).optional(),
    /** Further form parameters the vendor's token endpoint requires (`resource`, …). */
    extraParams: z.record(z.string(), z.string()).optional(),
    clientAuth,
  }),
  z.object({
    type: z.literal('oauth2RefreshToken'),
    tokenUrl,
    clientId: z.string().min(1),
    clientSecret: secret.optional(),
    refreshToken: secret,
    scope: z.string().min(1).optional(),
    clientAuth,
  }),
  z.object({
    type: z.literal('jwtBearer'),
    tokenUrl,
    clientId: z.string().min(1),
    username: z.string().min(1),
    privateKeyPem: z.string().includes('PRIVATE KEY-----', { message: 'must be a PEM private key' }),
    audience: z.string().min(1),
  }),
]);

export type AuthSettings = z.infer<typeof authSettingsSchema>;
export type AuthType = AuthSettings['type'];

export interface AuthFactoryOptions {
  /** The connector instance name, for errors and logs. */
  connector: string;
  /** Token request timeout for the OAuth2 flows; default 10 000 ms. */
  tokenTimeoutMs?: number;
  /** Lead time for renewing OAuth2 tokens; default 60 000 ms. */
  renewBeforeMs?: number;
  /** oauth2RefreshToken only: persist the rotated refresh token (see RefreshTokenOptions). */
  onRefreshTokenRotated?: (refreshToken: string) => void | Promise<void>;
}

/** Validates settings, throwing CONNECTOR_MISCONFIGURED that lists the bad fields (no values). */
export function parseAuthSettings(settings: unknown, connector: string): AuthSettings {
  const parsed = authSettingsSchema.safeParse(settings);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) => `${['auth', ...issue.path.map(String)].join('.')}: ${issue.message}`,
  );
  throw new ConnectorError(`${connector}: invalid auth settings: ${problems.join('; ')}`, {
    code: ConnectorErrorCode.Misconfigured,
    retryable: false,
  });
}

/** The injector for `settings` (validated here; a typed AuthSettings passes unchanged). */
export function authFromSettings(settings: unknown, options: AuthFactoryOptions): AuthInjector {
  const auth = parseAuthSettings(settings, options.connector);
  const { connector } = options;
  const token = {
    ...(options.tokenTimeoutMs !== undefined ? { timeoutMs: options.tokenTimeoutMs } : {}),
    ...(options.renewBeforeMs !== undefined ? { renewBeforeMs: options.renewBeforeMs } : {}),
  };
  switch (auth.type) {
    case 'bearer':
      return bearerToken(auth.token);
    case 'basic':
      return basicAuth(auth.username, auth.password);
    case 'apiKey':
      return apiKeyHeader(auth.header, auth.key);
    case 'oauth2ClientCredentials': {
      const { type: _type, ...flow } = auth;
      return oauth2ClientCredentials({ ...flow, ...token, connector });
    }
    case 'oauth2RefreshToken': {
      const { type: _type, ...flow } = auth;
      const rotated =
        options.onRefreshTokenRotated !== undefined ? { onRefreshTokenRotated: options.onRefreshTokenRotated } : {};
      return oauth2RefreshToken({ ...flow, ...token, ...rotated, connector });
    }
    case 'jwtBearer': {
      const { type: _type, ...flow } = auth;
      return jwtBearer({ ...flow, ...token, connector });
    }
  }
}
