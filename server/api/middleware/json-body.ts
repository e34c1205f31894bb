import express, { type RequestHandler } from 'express';
import { AppError } from '../../errors/app-error';

/** Bodies above this are refused with 413 before they are buffered in full. */
export const DEFAULT_BODY_LIMIT = '256kb';

const JSON_TYPES = ['application/json', 'application/*+json'];

const notJson = () =>
  new AppError({
    code: 'unsupported-media-type',
    status: 415,
    title: 'Unsupported Media Type',
    detail: 'The request body must be JSON: send it with Content-Type: application/json.',
  });

/**
 * Parses a JSON body (413 past `limit`, 400 when malformed). Any other content type is refused
 * with 415 rather than read as an empty body; a request without a body passes through.
 */
export function jsonBody(limit: string = DEFAULT_BODY_LIMIT): RequestHandler {
  const parse = express.json({ limit, type: JSON_TYPES, strict: true });
  return (req, res, next) => {
    // req.is answers null when there is no body; an empty body of any type is no body either.
    if (req.is(JSON_TYPES) === false && req.get('content-length') !== '0') throw notJson();
    parse(req, res, next);
  };
}
