import type { RequestHandler } from 'express';
import { getLogger } from '../../../logging/logger';
import { AppError } from '../../errors/app-error';
import { sendProblem } from './error-handler';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /** Set when the request timeout answered for the handler, which may still be running. */
      timedOut?: boolean;
    }
  }
}

/**
 * Answers 503 problem+json when a request has not been answered within `timeoutMs`, whatever it
 * waits for (a slow dependency, a client trickling its body). The handler is not interrupted:
 * services take no abort signal, and every write the API makes is idempotent, so a caller that
 * retries after the 503 cannot duplicate what the first attempt finishes doing.
 */
export function requestTimeout(timeoutMs: number): RequestHandler {
  return (req, res, next) => {
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      res.locals.timedOut = true;
      getLogger().warn('request timed out', { method: req.method, timeoutMs });
      // The body may be half read; the connection cannot carry another request.
      res.setHeader('Connection', 'close');
      sendProblem(
        req,
        res,
        new AppError({
          code: 'request-timeout',
          status: 503,
          title: 'Service unavailable',
          detail: `The request was not answered within ${timeoutMs} ms; retry later.`,
          headers: { 'Retry-After': '5' },
        }),
      );
    }, timeoutMs);
    res.on('close', () => clearTimeout(timer));
    next();
  };
}
