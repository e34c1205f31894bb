import { AsyncResource } from 'node:async_hooks';
import type { Request, RequestHandler, Response } from 'express';
import type { AuditEntry } from '../../db/models';
import { getLogger } from '../../../logging/logger';
import { actorOf, principalReference } from '../auth/principal';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Names the audited action of a route; placed first on the route so even a 401 carries it. */
export function auditAs(action: string, target?: (req: Request) => string | undefined): RequestHandler {
  return (req, res, next) => {
    res.locals.audit = { action, target: target?.(req) ?? null, details: {} };
    next();
  };
}

/** Lets a handler name the target once it is known (e.g. the workflow id derived from the input). */
export function setAuditTarget(res: Response, target: string, details: Record<string, unknown> = {}): void {
  const audit = res.locals.audit ?? { action: 'unknown', target: null, details: {} };
  res.locals.audit = { ...audit, target, details: { ...audit.details, ...details } };
}

/**
 * Writes one audit row per mutating request when its response ends, success or not. A failed
 * write is logged and never fails the request, which has already been answered.
 * A row holds who (the actor string, and the key id or token subject in details.principal), what
 * (action, target, method, route, path without its query string), when, the request id and the
 * outcome with its status code. Never a request body, a header or a query string: those may
 * carry credentials.
 */
export function auditMutations(auditEntries: typeof AuditEntry): RequestHandler {
  return (req, res, next) => {
    if (!MUTATING.has(req.method)) return next();
    const at = new Date();
    const path = req.originalUrl.split('?')[0] ?? req.originalUrl;
    res.on(
      'close',
      AsyncResource.bind(() => {
        const mark = res.locals.audit;
        const principal = res.locals.principal;
        const finished = res.writableFinished;
        auditEntries
          .create({
            at,
            actor: actorOf(principal),
            action: (mark?.action ?? `${req.method} ${path}`).slice(0, 120),
            target: mark?.target?.slice(0, 255) ?? null,
            requestId: res.locals.requestId ?? null,
            outcome: finished && res.statusCode < 400 ? 'success' : 'failure',
            statusCode: finished ? res.statusCode : null,
            // The request's own facts come last, so a route's details cannot overwrite them.
            details: {
              ...mark?.details,
              method: req.method,
              route: res.locals.route ?? null,
              path: path.slice(0, 255),
              ...(principal ? { principal: principalReference(principal) } : {}),
            },
          })
          .catch((error: unknown) => {
            getLogger().error('audit write failed', { action: mark?.action, error: (error as Error).message });
          });
      }),
    );
    next();
  };
}
