/** OpenAPI description of /v1/dead-letters. */
import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { authenticated } from '../openapi/operation';
import { errorResponses, jsonBody, jsonResponse } from '../openapi/problem.schema';
import { deadLetterDetailSchema, deadLetterSchema, inboxIdSchema, listDeadLettersQuerySchema, replayManyBodySchema, replayResultSchema } from './dead-letters.schemas';

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
      requestParams: { query: listDeadLettersQuerySchema },
      responses: {
        '200': jsonResponse('One page of dead letters.', z.object({ items: z.array(deadLetterSchema), nextPageToken: z.string().nullable() }), { items: [example], nextPageToken: null }),
        ...errorResponses(400),
      },
    }),
  },
  '/v1/dead-letters/replay': {
    post: authenticated('runs:write', {
      operationId: 'replayDeadLetters',
      tags: ['events'],
      summary: 'Replay dead letters in bulk: by id, or all matching a source and reason',
      description: 'Each becomes pending with a fresh attempt budget and is delivered like a new event; the workflow id still dedups starts, so a replay never starts a second run.',
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
      requestParams: { path: idParams },
      responses: {
        '202': jsonResponse('Pending again.', replayResultSchema, { replayed: 1, ids: ['4711'] }),
        ...errorResponses(400, 404, 409),
      },
    }),
  },
};
