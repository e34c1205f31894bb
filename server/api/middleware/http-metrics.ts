import type { RequestHandler, Response } from 'express';
import type { ApiMetrics } from '../../metrics/api-metrics';
import { routeLabelOf } from './route-label';

declare global {
  // Express declares its extension points in this global namespace.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /** The app's metrics, for handlers that count business events (countRunStarted). */
      metrics?: ApiMetrics;
    }
  }
}

// Node accepts dozens of methods; anything unusual shares one label so a client cannot mint series.
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Counts and times every request by method, route pattern and status when its response ends.
 * A request whose client went away before the answer was sent counts with status "aborted".
 */
export function httpMetrics(metrics: ApiMetrics): RequestHandler {
  return (req, res, next) => {
    res.locals.metrics = metrics;
    const endTimer = metrics.httpRequestDuration.startTimer();
    res.on('close', () => {
      const labels = {
        method: METHODS.has(req.method) ? req.method : 'OTHER',
        route: routeLabelOf(req, res),
        status: res.writableFinished ? String(res.statusCode) : 'aborted',
      };
      metrics.httpRequests.inc(labels);
      endTimer(labels);
    });
    next();
  };
}

/** Called by the route that started a run (not for a repeated request answered with the existing run). */
export function countRunStarted(res: Response, type: string): void {
  res.locals.metrics?.runsStarted.inc({ type });
}
