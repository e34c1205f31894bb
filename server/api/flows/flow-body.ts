import express, { type RequestHandler } from 'express';
import { AppError } from '../../errors/app-error';
import { MAX_FLOW_DOCUMENT_BYTES } from '../../flows/flow-limits';
import { FLOW_MEDIA_TYPES } from './flows.schemas';

/**
 * The text of a flow document: twice the document limit, the most parseFlowDocument reads (YAML
 * carries indentation and comments the canonical JSON does not); past it, 413 before buffering.
 */
export const FLOW_BODY_LIMIT = 2 * MAX_FLOW_DOCUMENT_BYTES;

const unsupported = () =>
  new AppError({
    code: 'unsupported-media-type',
    status: 415,
    title: 'Unsupported Media Type',
    detail: `A flow is YAML or JSON text: send it with Content-Type ${FLOW_MEDIA_TYPES.join(', ')}.`,
  });

/** Reads a YAML or JSON body as text (the source is stored as written); any other type is 415, an empty body 400. */
export function flowBody(): RequestHandler {
  const parse = express.text({ type: [...FLOW_MEDIA_TYPES], limit: FLOW_BODY_LIMIT });
  return (req, res, next) => {
    if (req.is([...FLOW_MEDIA_TYPES]) === false) throw unsupported();
    parse(req, res, (error?: unknown) => {
      if (error) return next(error);
      if (typeof req.body !== 'string' || req.body.trim() === '')
        return next(
          AppError.validation('The request body is empty.', [
            { field: '(body)', message: 'must be a flow document (YAML or JSON)' },
          ]),
        );
      next();
    });
  };
}
