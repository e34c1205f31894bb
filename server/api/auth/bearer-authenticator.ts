import type { ApiKeysService } from '../../auth/api-keys.service';
import type { Principal } from '../../auth/scopes';
import { looksLikeJwt, type OidcVerifier } from './oidc-verifier';

/** Turns the credential of an `Authorization: Bearer` header into the caller, or null when it proves nothing. */
export interface BearerAuthenticator {
  authenticate(credential: string): Promise<Principal | null>;
}

/**
 * API keys always; OIDC access tokens too when a verifier is given. The two cannot be confused:
 * a key is `jk_<prefix>_<secret>`, a token three dot-separated base64url parts.
 */
export function createBearerAuthenticator(deps: {
  keys: ApiKeysService;
  oidc?: OidcVerifier | null;
}): BearerAuthenticator {
  const { keys, oidc } = deps;
  return {
    async authenticate(credential) {
      if (oidc && looksLikeJwt(credential)) return oidc.verify(credential);
      const key = await keys.verifyKey(credential);
      return key ? { kind: 'key', ...key } : null;
    },
  };
}
