import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { withLogContext } from '../../../logging/log-context';

// Accept a caller's id only when it is short and inert: it lands in logs, headers and audit rows.
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Gives every request an id, echoes it, and runs the rest of the request in its log context. */
export function requestId(): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const id = incoming !== undefined && ACCEPTABLE_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = id;
    res.setHeader('X-Request-Id', id);
    withLogContext({ requestId: id }, () => next());
  };
}
