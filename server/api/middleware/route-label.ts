import type { Request, Response } from 'express';

/** Requests no route matched (404s, refusals before routing) share this label: never a raw path. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * The route pattern of a request (`/v1/runs/:workflowId`), for logs and metric labels that must
 * not carry raw ids. authorize records it in res.locals because req.baseUrl is reset once the
 * request leaves its router.
 */
export function routeLabelOf(req: Request, res: Response): string {
  if (res.locals.route) return res.locals.route;
  const path: unknown = req.route?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : UNMATCHED_ROUTE;
}
