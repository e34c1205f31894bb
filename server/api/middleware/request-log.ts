import { AsyncResource } from 'node:async_hooks';
import type { RequestHandler } from 'express';
import { getLogger } from '../../../logging/logger';
import { routeLabelOf } from './route-label';

/**
 * One line per request when it ends: method, route pattern, status, duration. Never bodies,
 * query strings or headers, which may carry personal data or keys.
 */
export function requestLog(): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    // Bound so the line is written inside this request's log context (and carries requestId).
    res.on(
      'close',
      AsyncResource.bind(() => {
        const durationMs = Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100;
        const level = res.statusCode >= 500 ? 'warn' : 'info';
        getLogger().log(level, 'request', {
          method: req.method,
          route: routeLabelOf(req, res),
          status: res.statusCode,
          durationMs,
          ...(res.writableFinished ? {} : { aborted: true }),
        });
      }),
    );
    next();
  };
}
