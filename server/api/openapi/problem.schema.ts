/**
 * The RFC 9457 problem every error answers with, and the documented error responses routes
 * pick from, so each route's docs list exactly the errors it can give.
 */
import { z } from 'zod';
import type { ZodOpenApiResponseObject, ZodOpenApiResponsesObject } from 'zod-openapi';
import { PROBLEM_CONTENT_TYPE } from '../../errors/app-error';

export const problemSchema = z
  .object({
    type: z
      .string()
      .meta({ description: 'A stable problem type, `/problems/<code>`.', example: '/problems/validation-error' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().meta({ description: 'The request path.' }),
    requestId: z
      .string()
      .meta({ description: 'Quote it when reporting a problem; it is in every log line of the request.' }),
    errors: z
      .array(z.object({ field: z.string().meta({ example: 'input.customer.email' }), message: z.string() }))
      .optional()
      .meta({ description: 'For 400: one entry per offending field, named by its path in the request.' }),
  })
  .catchall(z.unknown())
  .meta({ id: 'Problem' });

const ERROR_DESCRIPTIONS = {
  400: 'Invalid request: `errors` names each offending field.',
  401: 'No API key, or one that is unknown, revoked or expired.',
  403: 'The API key lacks the scope this route needs.',
  404: 'No such resource.',
  409: 'The resource is not in a state that allows this.',
  413: 'The request body exceeds the size limit.',
  415: 'The request body is not JSON.',
  422: 'Understood, but refused by the process (e.g. an update validator).',
  429: 'Too many requests; retry after `Retry-After` seconds.',
  503: 'A dependency (Temporal, the database) is unreachable; retry after `Retry-After` seconds.',
} as const;

export type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

export function problemResponse(description: string): ZodOpenApiResponseObject {
  return { description, content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema } } };
}

/** Documented error responses; 401, 429 and 503 apply to every authenticated route and are added by `authenticated()`. */
export function errorResponses(...statuses: ErrorStatus[]): ZodOpenApiResponsesObject {
  return Object.fromEntries(statuses.map((status) => [String(status), problemResponse(ERROR_DESCRIPTIONS[status])]));
}

/** A JSON response with its schema and one example. */
export function jsonResponse(description: string, schema: z.ZodType, example?: unknown): ZodOpenApiResponseObject {
  return { description, content: { 'application/json': { schema, ...(example === undefined ? {} : { example }) } } };
}

/** A JSON request body with one example. */
export function jsonBody(schema: z.ZodType, example?: unknown) {
  return { required: true, content: { 'application/json': { schema, ...(example === undefined ? {} : { example }) } } };
}
