/** OpenAPI description of /v1/audit, built from the schema the route validates with; responses mirror audit-views.ts. */
import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { authenticated } from '../openapi/operation';
import { errorResponses, jsonResponse } from '../openapi/problem.schema';
import { listAuditQuerySchema } from './audit.schemas';

const auditEntrySchema = z
  .object({
    id: z.number().int(),
    at: z.string().meta({ format: 'date-time', description: 'When the request arrived.' }),
    actor: z.string().meta({
      description: '`<key name> (<key prefix>)`, `oidc:<subject>`, or `anonymous` when the call was not authenticated.',
    }),
    principal: z.record(z.string(), z.unknown()).nullable().meta({
      description:
        '`{ kind: "key", keyId, name, prefix }` or `{ kind: "oidc", subject, issuer }`; null when unauthenticated.',
    }),
    action: z.string().meta({ example: 'keys.create' }),
    target: z
      .string()
      .nullable()
      .meta({ description: 'What the action was on: a workflow id, connector name, schedule id or key id.' }),
    method: z.string().nullable(),
    path: z.string().nullable().meta({ description: 'The request path, never its query string.' }),
    route: z.string().nullable().meta({ example: '/v1/keys/:id/revoke' }),
    requestId: z.string().nullable(),
    outcome: z.enum(['success', 'failure']),
    statusCode: z.number().int().nullable().meta({ description: 'null when the client went away before the answer.' }),
    details: z
      .record(z.string(), z.unknown())
      .meta({ description: 'What the route recorded (never request bodies or credentials).' }),
  })
  .meta({ id: 'AuditEntry' });

export const auditPaths: ZodOpenApiPathsObject = {
  '/v1/audit': {
    get: authenticated('admin', {
      operationId: 'listAudit',
      tags: ['audit'],
      summary: 'The audit trail of every mutating call, newest first',
      description:
        'Every POST, PUT, PATCH and DELETE under /v1 leaves one entry, refused and failed calls included. ' +
        '`actor` matches a key id, key name or key prefix, an OIDC subject, or an actor string; `action` is exact or a family (`keys.*`); ' +
        '`from` is inclusive, `to` exclusive. A page token works only with the filters it came with.',
      requestParams: { query: listAuditQuerySchema },
      responses: {
        '200': jsonResponse(
          'One page of entries.',
          z.object({ items: z.array(auditEntrySchema), nextPageToken: z.string().nullable() }),
          {
            items: [
              {
                id: 42,
                at: '2026-11-24T09:00:00.000Z',
                actor: 'ops-admin (Q3xv9LkPz0aB)',
                principal: { kind: 'key', keyId: 1, name: 'ops-admin', prefix: 'Q3xv9LkPz0aB' },
                action: 'keys.revoke',
                target: '12',
                method: 'POST',
                path: '/v1/keys/12/revoke',
                route: '/v1/keys/:id/revoke',
                requestId: '3f1c9a2e-8d4b-4e6f-9a1b-2c3d4e5f6a7b',
                outcome: 'success',
                statusCode: 200,
                details: { name: 'shop-backend', prefix: 'Zr8tQw2mLx4N' },
              },
            ],
            nextPageToken: null,
          },
        ),
        ...errorResponses(400),
      },
    }),
  },
};
