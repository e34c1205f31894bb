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
  /** The person (lower-case email) the key was issued to; null for a system's key. */
  actsAs: string | null;
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
  /** The token's email claim (OIDC_EMAIL_CLAIM), lower-cased; null when it carries none. */
  email: string | null;
}

/** Who is calling: the verified key or token subject, never the credential itself. */
export type Principal = KeyPrincipal | OidcPrincipal;

/**
 * The person a caller speaks for, as a lower-case email: an OIDC token's email claim, or the
 * `actsAs` a key was issued with. null for a system's key or a token without an email: such a
 * caller may do what its scopes allow but cannot decide as a person (approvals).
 */
export function personOf(principal: Principal | undefined): string | null {
  if (!principal) return null;
  return principal.kind === 'oidc' ? principal.email : principal.actsAs;
}
