/** Every scope a key may carry. `admin` implies all of them. */
export const SCOPES = ['runs:read', 'runs:write', 'schedules:write', 'connectors:write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

export function grants(scopes: readonly Scope[], required: Scope): boolean {
  return scopes.includes('admin') || scopes.includes(required);
}

/** A verified API key, as the key store answers it: never its secret. */
export interface VerifiedKey {
  keyId: number;
  name: string;
  prefix: string;
  scopes: readonly Scope[];
}

export interface KeyPrincipal extends VerifiedKey {
  kind: 'key';
}

/** A caller authenticated by an OIDC access token (a JWT) from the configured issuer. */
export interface OidcPrincipal {
  kind: 'oidc';
  /** The token's `sub` claim. */
  subject: string;
  issuer: string;
  scopes: readonly Scope[];
}

/** Who is calling: the verified key or token subject, never the credential itself. */
export type Principal = KeyPrincipal | OidcPrincipal;
