import express, { type RequestHandler } from 'express';

/** Bodies above this are refused with 413 before they are buffered in full. */
export const DEFAULT_BODY_LIMIT = '256kb';

export function jsonBody(limit: string = DEFAULT_BODY_LIMIT): RequestHandler {
  return express.json({ limit, type: ['application/json', 'application/*+json'], strict: true });
}
