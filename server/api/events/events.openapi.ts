/** OpenAPI description of POST /v1/events/:source (webhook intake; signed by the source, no API key). */
import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { errorResponses, jsonResponse, problemResponse } from '../openapi/problem.schema';
import { eventReceiptSchema, sourceNameSchema } from './events.schemas';

const accepted = {
  inboxId: '4711',
  source: 'shopify-orders',
  eventId: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
  status: 'pending',
  duplicate: false,
  workflowType: 'orderToCash',
  workflowId: 'order-1001',
  runId: null,
  outcome: null,
};

export const eventsPaths: ZodOpenApiPathsObject = {
  '/v1/events/{source}': {
    post: {
      operationId: 'receiveEvent',
      tags: ['events'],
      summary: 'Receive a webhook event from a configured source',
      description: [
        "Authenticated by the source's signature (config/event-sources.yaml: HMAC-SHA256 of the raw body in a header as Shopify does, Stripe's `Stripe-Signature` with a timestamp tolerance, or a shared secret in a header), not by an API key.",
        "The event is written to the inbox (unique on source and event id) before the answer, then delivered to Temporal by the intake consumers: a run is started, signalled (signal-with-start) or updated as the source maps it. A repeated event id answers 200 with the first delivery's state and does nothing else.",
        'Past INTAKE_BACKLOG_LIMIT undelivered events the answer is 429 with Retry-After. A refused event (401, 400, 404, 413, 429) is not written anywhere.',
      ].join('\n\n'),
      requestParams: { path: z.object({ source: sourceNameSchema }) },
      requestBody: {
        required: true,
        content: { 'application/json': { schema: z.unknown(), example: { orderId: '1001' } } },
      },
      responses: {
        '202': jsonResponse('Accepted: durable in the inbox, delivery pending.', eventReceiptSchema, accepted),
        '200': jsonResponse(
          "Received before; nothing was done. The state is the first delivery's.",
          eventReceiptSchema,
          {
            ...accepted,
            status: 'done',
            duplicate: true,
            runId: '0193f4d2-6c1e-7a3b-9f10-1c2d3e4f5a6b',
            outcome: 'started',
          },
        ),
        ...errorResponses(400, 404, 413, 415, 429, 503),
        '401': problemResponse(
          'The signature is missing or does not match the body, or (stripe) its timestamp is outside the tolerance.',
        ),
      },
    },
  },
};
