/** OpenAPI description of GET /v1/workflows. */
import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { authenticated } from '../openapi/operation';
import { jsonResponse } from '../openapi/problem.schema';

const messageSchema = z.object({
  name: z.string(),
  description: z.string(),
  inputSchema: z.unknown().meta({ description: "JSON Schema of the message's argument; null when it takes none." }),
});

const catalogEntrySchema = z
  .object({
    type: z.string(),
    description: z.string(),
    inputSchema: z
      .record(z.string(), z.unknown())
      .meta({ description: 'JSON Schema of the input, generated from the zod schema that validates POST /v1/runs.' }),
    queries: z.array(messageSchema),
    signals: z.array(messageSchema),
    updates: z.array(messageSchema),
    infrastructureFields: z.array(z.string()).meta({
      description:
        'Input fields that choose infrastructure (connector instances, the invoicing path): a caller sets them only with the `runs:infrastructure` scope.',
    }),
    flow: z
      .object({
        name: z.string(),
        version: z.string().meta({ description: 'The version a run starts when POST /v1/runs names none.' }),
        versions: z
          .array(z.string())
          .meta({ description: 'Versions POST /v1/runs may name (published and deprecated), newest first.' }),
      })
      .optional()
      .meta({ description: 'Present for published flows (type `flow:<name>`, see /v1/flows).' }),
  })
  .meta({ id: 'CatalogEntry' });

export const workflowsPaths: ZodOpenApiPathsObject = {
  '/v1/workflows': {
    get: authenticated('runs:read', {
      operationId: 'listWorkflows',
      tags: ['runs'],
      summary: 'The process catalog: what can be started, with JSON Schemas of inputs, signals, updates and queries',
      description:
        'The code processes and every flow with a published version, as type `flow:<name>` with the input JSON Schema of its default version. Any runs read scope reads it (`runs:read`, or `runs:read:<type>`); a key limited to processes sees the processes it may read.',
      responses: {
        '200': jsonResponse('Every process.', z.object({ items: z.array(catalogEntrySchema) }), {
          items: [
            {
              type: 'orderToCash',
              description: 'Order to cash…',
              inputSchema: { type: 'object' },
              queries: [{ name: 'progress', description: 'Where the run is.', inputSchema: null }],
              signals: [],
              updates: [],
              infrastructureFields: ['connectors', 'invoicing'],
            },
          ],
        }),
      },
    }),
  },
};
