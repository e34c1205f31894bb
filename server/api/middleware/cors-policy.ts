import cors from 'cors';
import type { RequestHandler } from 'express';

/**
 * Cross-origin access for browser tools on the listed origins only. With none listed the API
 * sends no CORS headers at all, so browsers refuse cross-origin calls (server-to-server callers
 * are unaffected: CORS binds browsers only). Keys travel in the Authorization header, never in
 * cookies, so credentials mode stays off.
 */
export function corsPolicy(origins: readonly string[]): RequestHandler {
  if (origins.length === 0) return (_req, _res, next) => next();
  return cors({
    origin: [...origins],
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id'],
    exposedHeaders: [
      'X-Request-Id',
      'Location',
      'Retry-After',
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
    ],
    credentials: false,
    maxAge: 600,
  });
}
