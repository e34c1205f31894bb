/** OpenAPI description of /v1/keys, built from the schemas the routes validate with; responses mirror key-views.ts. */
import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { authenticated } from '../openapi/operation';
import { errorResponses, jsonBody, jsonResponse } from '../openapi/problem.schema';
import { KEY_STATUSES } from '../../auth/key-summary';
import { createKeyBodySchema, keyIdSchema, listKeysQuerySchema } from './keys.schemas';
import { SCOPE_GRAMMAR } from '../../auth/scopes';

const instant = z.string().meta({ format: 'date-time', example: '2026-11-24T09:00:00.000Z' });

const keyViewSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    prefix: z
      .string()
      .meta({ description: 'The public part of the key (`jk_<prefix>_…`); audit rows and logs name keys by it.' }),
    scopes: z.array(z.string().meta({ description: `One of ${SCOPE_GRAMMAR}.` })),
    actsAs: z.string().nullable().meta({
      description:
        "The person (email) the key was issued to: an approval decided with it is theirs. null for a system's key.",
    }),
    status: z.enum(KEY_STATUSES),
    expiresAt: instant.nullable(),
    revokedAt: instant.nullable(),
    lastUsedAt: instant.nullable().meta({ description: 'Written at most once a minute.' }),
    createdAt: instant,
    links: z.object({ self: z.string(), revoke: z.string() }),
  })
  .meta({
    id: 'ApiKey',
    description: 'An API key without its secret: the secret is stored only as a SHA-256 hash and never returned.',
  });

const createdKeySchema = keyViewSchema
  .extend({
    key: z
      .string()
      .meta({ description: 'The key itself, `jk_<prefix>_<secret>`. Shown in this answer only: store it now.' }),
  })
  .meta({ id: 'CreatedApiKey' });

const idParams = z.object({ id: keyIdSchema.meta({ example: '12' }) });

const viewExample = {
  id: 12,
  name: 'shop-backend',
  prefix: 'Q3xv9LkPz0aB',
  scopes: ['runs:read', 'runs:write'],
  actsAs: null,
  status: 'active',
  expiresAt: '2027-11-24T09:00:00.000Z',
  revokedAt: null,
  lastUsedAt: null,
  createdAt: '2026-11-24T09:00:00.000Z',
  links: { self: '/v1/keys/12', revoke: '/v1/keys/12/revoke' },
};

export const keysPaths: ZodOpenApiPathsObject = {
  '/v1/keys': {
    post: authenticated('admin', {
      operationId: 'createKey',
      tags: ['keys'],
      summary: 'Create an API key (shown once)',
      description: `Scopes: ${SCOPE_GRAMMAR}; \`admin\` implies all, and a process-limited scope must name a type of the catalog (GET /v1/workflows). The expiry is \`expiresAt\` or \`expiresInDays\` (not both); neither means the default lifetime (API_KEY_DEFAULT_LIFETIME_DAYS, 90 days unless configured), \`"expiresAt": null\` a key that never expires. \`actsAs\` issues the key to a person (their email): approval decisions made with it are theirs, and only such keys (or OIDC tokens with an email) can decide.`,
      requestBody: jsonBody(createKeyBodySchema, {
        name: 'shop-backend',
        scopes: ['runs:read', 'runs:write'],
        expiresInDays: 365,
      }),
      responses: {
        '201': {
          ...jsonResponse('Created; the only answer that carries the key.', createdKeySchema, {
            ...viewExample,
            key: 'jk_Q3xv9LkPz0aB_…',
          }),
          headers: z.object({ location: z.string() }),
        },
        ...errorResponses(400, 413, 415),
      },
    }),
    get: authenticated('admin', {
      operationId: 'listKeys',
      tags: ['keys'],
      summary: 'List API keys, newest first, optionally by status',
      requestParams: { query: listKeysQuerySchema },
      responses: {
        '200': jsonResponse(
          'One page of keys.',
          z.object({ items: z.array(keyViewSchema), nextPageToken: z.string().nullable() }),
          { items: [viewExample], nextPageToken: null },
        ),
        ...errorResponses(400),
      },
    }),
  },
  '/v1/keys/{id}': {
    get: authenticated('admin', {
      operationId: 'getKey',
      tags: ['keys'],
      summary: 'Describe an API key',
      requestParams: { path: idParams },
      responses: {
        '200': jsonResponse('The key, without its secret.', keyViewSchema, viewExample),
        ...errorResponses(400, 404),
      },
    }),
  },
  '/v1/keys/{id}/revoke': {
    post: authenticated('admin', {
      operationId: 'revokeKey',
      tags: ['keys'],
      summary: 'Revoke an API key: refused from the next request on, on every replica',
      description:
        'The key stays listed as revoked, so the audit trail keeps naming it. Revoking a revoked key answers 409.',
      requestParams: { path: idParams },
      responses: {
        '200': jsonResponse('Revoked.', keyViewSchema, {
          ...viewExample,
          status: 'revoked',
          revokedAt: '2026-11-25T09:00:00.000Z',
        }),
        ...errorResponses(400, 404, 409),
      },
    }),
  },
};
