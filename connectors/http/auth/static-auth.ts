import type { AuthInjector } from './auth-injector';

function fixed(headers: Record<string, string>): AuthInjector {
  return { headers: async () => headers, invalidate: () => false };
}

/** `Authorization: Bearer <token>` (Stripe secret keys, SendGrid and HubSpot private-app tokens). */
export function bearerToken(token: string): AuthInjector {
  return fixed({ Authorization: `Bearer ${token}` });
}

/** HTTP Basic (SAP communication users). */
export function basicAuth(username: string, password: string): AuthInjector {
  return fixed({ Authorization: `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}` });
}

/** An API key in a vendor-specific header, e.g. `X-API-Key`. */
export function apiKeyHeader(header: string, key: string): AuthInjector {
  return fixed({ [header]: key });
}
