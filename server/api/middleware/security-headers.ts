import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Helmet, set for a JSON API: nothing a browser fetches from us may run scripts, load resources
 * or be framed (pages that need more, like /docs, override the CSP on their own route). Answers
 * are never cached, since they carry run data and keys' views.
 */
export function securityHeaders(): RequestHandler[] {
  return [
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
      frameguard: { action: 'deny' },
      // Browsers honour HSTS only over HTTPS, so this costs nothing behind a TLS terminator.
      strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
    }),
    (_req, res, next) => {
      res.setHeader('Cache-Control', 'no-store');
      next();
    },
  ];
}
