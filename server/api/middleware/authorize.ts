import type { RequestHandler } from 'express';
import { createBearerAuthenticator } from '../auth/bearer-authenticator';
import { AppError } from '../errors';
import type { ApiKeysService } from '../keys/api-keys.service';
import { grants, type Scope } from '../keys/scopes';

const BEARER = /^Bearer[ ]+(\S+)[ ]*$/i;

/**
 * Requires an authenticated caller (401 when the credential is missing, malformed, unknown,
 * revoked or expired) and, when a scope is given, the scope (403). The 401 detail does not say
 * which it was. The app identifies callers before routing (identifyCaller, with API keys and
 * OIDC tokens); a router mounted without it still accepts API keys here.
 */
export function authorize(keys: ApiKeysService, scope: Scope | null): RequestHandler {
  const keysOnly = createBearerAuthenticator({ keys });
  return async (req, res, next) => {
    if (req.route) res.locals.route = `${req.baseUrl}${String(req.route.path)}`;
    let principal = res.locals.principal;
    if (!principal) {
      const header = req.get('authorization');
      if (!header) throw AppError.unauthorized('This endpoint requires a credential: send "Authorization: Bearer <API key or access token>".');
      const match = BEARER.exec(header);
      const found = match ? await keysOnly.authenticate(match[1]!) : null;
      if (!found) throw AppError.unauthorized('The bearer credential is invalid, revoked or expired.');
      principal = found;
      res.locals.principal = principal;
    }
    if (scope && !grants(principal.scopes, scope)) {
      throw AppError.forbidden(`This ${principal.kind === 'oidc' ? 'token' : 'API key'} lacks the "${scope}" scope.`);
    }
    next();
  };
}
