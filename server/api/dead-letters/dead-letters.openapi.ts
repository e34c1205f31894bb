/** OpenAPI description of /v1/dead-letters. */
import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { authenticated } from '../openapi/operation';
import { errorResponses, jsonBody, jsonResponse } from '../openapi/problem.schema';
import {
  deadLetterDetailSchema,
  deadLetterSchema,
  inboxIdSchema,
  listDeadLettersQuerySchema,
  replayManyBodySchema,
  replayResultSchema,
} from './dead-letters.schemas';

const example = {
  id: '4711',
  source: 'shopify-orders',
  eventId: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
  workflowType: 'orderToCash',
  workflowId: 'order-1001',
  businessKey: '1001',
  attempts: 10,
  reason: 'max-attempts',
  lastError: '14 UNAVAILABLE: No connection established',
  receivedAt: '2026-11-24T09:00:00.000Z',
  deadAt: '2026-11-24T09:41:12.000Z',
  importId: null,
};

const idParams = z.object({ id: inboxIdSchema });

export const deadLettersPaths: ZodOpenApiPathsObject = {
  '/v1/dead-letters': {
    get: authenticated('runs:read', {
      operationId: 'listDeadLetters',
      tags: ['events'],
      summary: 'List events the intake gave up on, newest first',
      description:
        'A key whose read scopes name processes (`runs:read:<type>`) sees the dead letters of those processes only; a page may then hold fewer items than `pageSize`.',
      requestParams: { query: listDeadLettersQuerySchema },
      responses: {
        '200': jsonResponse(
          'One page of dead letters.',
          z.object({ items: z.array(deadLetterSchema), nextPageToken: z.string().nullable() }),
          { items: [example], nextPageToken: null },
        ),
        ...errorResponses(400),
      },
    }),
  },
  '/v1/dead-letters/replay': {
    post: authenticated('runs:write', {
      operationId: 'replayDeadLetters',
      tags: ['events'],
      summary: 'Replay dead letters in bulk: by id, or all matching a source and reason',
      description:
        "Each becomes pending with a fresh attempt budget and is delivered like a new event; the workflow id still dedups starts, so a replay never starts a second run. Needs `runs:write` for each dead letter's process; a key limited to processes (`runs:write:<type>`) must name the dead letters by `ids` (403 otherwise, and for an id of another process).",
      requestBody: jsonBody(replayManyBodySchema, { source: 'shopify-orders', reason: 'max-attempts', limit: 500 }),
      responses: {
        '202': jsonResponse('Pending again.', replayResultSchema, { replayed: 1, ids: ['4711'] }),
        ...errorResponses(400, 413, 415),
      },
    }),
  },
  '/v1/dead-letters/{id}': {
    get: authenticated('runs:read', {
      operationId: 'getDeadLetter',
      tags: ['events'],
      summary: 'A dead letter with the event as received',
      description: "Needs `runs:read` for the dead letter's process (`runs:read` or `runs:read:<type>`).",
      requestParams: { path: idParams },
      responses: {
        '200': jsonResponse('The dead letter.', deadLetterDetailSchema, { ...example, event: { orderId: '1001' } }),
        ...errorResponses(400, 404, 409),
      },
    }),
  },
  '/v1/dead-letters/{id}/replay': {
    post: authenticated('runs:write', {
      operationId: 'replayDeadLetter',
      tags: ['events'],
      summary: 'Replay one dead letter',
      description: "Needs `runs:write` for the dead letter's process (`runs:write` or `runs:write:<type>`).",
      requestParams: { path: idParams },
      responses: {
        '202': jsonResponse('Pending again.', replayResultSchema, { replayed: 1, ids: ['4711'] }),
        ...errorResponses(400, 404, 409),
      },
    }),
  },
};
