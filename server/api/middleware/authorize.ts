import type { RequestHandler } from 'express';
import { AppError } from '../errors';
import type { ApiKeysService } from '../keys/api-keys.service';
import { grants, type Scope } from '../keys/scopes';

const BEARER = /^Bearer[ ]+(\S+)[ ]*$/i;

/**
 * Authenticates the bearer key (401 when missing, malformed, unknown, revoked or expired) and,
 * when a scope is given, requires it (403). The 401 detail does not say which of these it was.
 */
export function authorize(keys: ApiKeysService, scope: Scope | null): RequestHandler {
  return async (req, res, next) => {
    if (req.route) res.locals.route = `${req.baseUrl}${String(req.route.path)}`;
    let principal = res.locals.principal;
    if (!principal) {
      const header = req.get('authorization');
      if (!header) throw AppError.unauthorized('This endpoint requires an API key: send "Authorization: Bearer <key>".');
      const match = BEARER.exec(header);
      const found = match ? await keys.verifyKey(match[1]!) : null;
      if (!found) throw AppError.unauthorized('The API key is invalid, revoked or expired.');
      principal = found;
      res.locals.principal = principal;
    }
    if (scope && !grants(principal.scopes, scope)) {
      throw AppError.forbidden(`This API key lacks the "${scope}" scope.`);
    }
    next();
  };
}
