import type { RequestHandler } from 'express';

/** Headers every API answer carries: JSON is never sniffed as HTML, and responses are never cached. */
export function securityHeaders(): RequestHandler {
  return (_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-store');
    next();
  };
}
