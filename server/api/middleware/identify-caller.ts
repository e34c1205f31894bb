import type { Request, RequestHandler } from 'express';
import type { Principal } from '../../auth/scopes';

/** Resolves a bearer credential to its principal, or null when it proves nothing (the app's BearerAuthenticator). */
export interface CallerAuthenticator {
  authenticate(credential: string): Promise<Principal | null>;
}

const BEARER = /^Bearer[ ]+(\S+)[ ]*$/i;

/** The bearer credential of a request, or null when there is none or the header is malformed. */
export function bearerCredentialOf(req: Request): string | null {
  const header = req.get('authorization');
  const match = header === undefined ? null : BEARER.exec(header);
  return match ? match[1]! : null;
}

/**
 * Authenticates the caller once, before routing, so the rate limit can count per principal.
 * A valid credential leaves its principal in res.locals, where authorize() takes it (and only
 * checks the route's scope); a missing or invalid one leaves nothing, and authorize() answers 401.
 */
export function identifyCaller(authenticator: CallerAuthenticator): RequestHandler {
  return async (req, res, next) => {
    const credential = res.locals.principal ? null : bearerCredentialOf(req);
    if (credential !== null) {
      const principal = await authenticator.authenticate(credential);
      if (principal) res.locals.principal = principal;
    }
    next();
  };
}
