import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { OidcConfig } from '../../../config';
import { getLogger } from '../../../logging/logger';
import { AppError } from '../../errors/app-error';
import { isScope, type OidcPrincipal, type Scope } from '../../auth/scopes';

export interface OidcVerifier {
  /**
   * The principal for a token signed by a key of the JWKS, from the configured issuer, for the
   * configured audience and unexpired; null for any other token. Throws a 503 AppError when the
   * JWKS cannot be fetched: that is our outage, not the caller's bad token.
   */
  verify(token: string): Promise<OidcPrincipal | null>;
}

export interface OidcVerifierOptions {
  /** Bound on one JWKS fetch (default 5 s). */
  jwksTimeoutMs?: number;
}

/** Compact JWS: three base64url parts. API keys (`jk_…`) never match. */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export function looksLikeJwt(token: string): boolean {
  return JWT_SHAPE.test(token);
}

/** Errors that say the token is bad (401), as against the JWKS being unreachable or broken (503). */
const TOKEN_ERRORS = [
  errors.JWTExpired,
  errors.JWTClaimValidationFailed,
  errors.JWTInvalid,
  errors.JWSInvalid,
  errors.JWSSignatureVerificationFailed,
  errors.JWKSNoMatchingKey,
  errors.JWKSMultipleMatchingKeys,
  errors.JOSEAlgNotAllowed,
  errors.JOSENotSupported,
];

/**
 * `scope: "runs:read admin"` or `scp: ["runs:read", "runs:write:orderToCash"]`; what is not a scope of
 * Junction's grammar (server/auth/scopes.ts) is dropped. A process scope naming a type this
 * deployment lacks grants nothing.
 */
export function scopesFromClaim(payload: JWTPayload, claim: string): Scope[] {
  const value = payload[claim];
  const names =
    typeof value === 'string'
      ? value.split(/\s+/)
      : Array.isArray(value)
        ? value.filter((v): v is string => typeof v === 'string')
        : [];
  return [...new Set(names.filter(isScope))];
}

/**
 * The caller's email from the token, lower-cased; null when the claim is missing or not an email,
 * or when the token says the provider has not verified it (`email_verified: false`).
 */
export function emailFromClaim(payload: JWTPayload, claim: string): string | null {
  const value = payload[claim];
  if (typeof value !== 'string' || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim())) return null;
  if (payload.email_verified === false) return null;
  return value.trim().toLowerCase();
}

export function createOidcVerifier(config: OidcConfig, options: OidcVerifierOptions = {}): OidcVerifier {
  // jose caches the key set, refetches it when a token names an unknown `kid` (at most every
  // 30 s), and so follows the issuer's key rotation without a restart.
  const jwks = createRemoteJWKSet(new URL(config.jwksUrl), { timeoutDuration: options.jwksTimeoutMs ?? 5_000 });
  return {
    async verify(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, jwks, {
          issuer: config.issuer,
          audience: config.audience,
          algorithms: [...config.algorithms],
          requiredClaims: ['sub', 'exp'],
        }));
      } catch (error) {
        if (TOKEN_ERRORS.some((type) => error instanceof type)) return null;
        // The message names the failure (timeout, HTTP status, invalid JSON); it holds no token.
        getLogger().warn('OIDC key set unavailable', { error: error instanceof Error ? error.message : String(error) });
        throw AppError.unavailable("The identity provider's signing keys cannot be fetched; try again shortly.", error);
      }
      return {
        kind: 'oidc',
        subject: String(payload.sub),
        issuer: config.issuer,
        scopes: scopesFromClaim(payload, config.scopesClaim),
        email: emailFromClaim(payload, config.emailClaim),
      };
    },
  };
}
