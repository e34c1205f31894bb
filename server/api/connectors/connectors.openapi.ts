/** OpenAPI description of /v1/connectors, built from the schemas the routes validate with. */
import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { CONNECTOR_KINDS } from '../../../connectors/registry/instance-name';
import { authenticated } from '../openapi/operation';
import { errorResponses, jsonBody, jsonResponse } from '../openapi/problem.schema';
import {
  connectorNameSchema,
  createConnectorBodySchema,
  listConnectorsQuerySchema,
  patchConnectorBodySchema,
  replaceConnectorBodySchema,
} from './connectors.schemas';

const connectorViewSchema = z
  .object({
    name: z.string(),
    kind: z.enum(CONNECTOR_KINDS),
    vendor: z.string(),
    source: z
      .enum(['database', 'config', 'default'])
      .meta({ description: 'Where the definition in force comes from.' }),
    overrides: z.enum(['config', 'default']).nullable(),
    enabled: z.boolean(),
    settings: z.record(z.string(), z.unknown()),
    hasCredentials: z.boolean(),
    credentialFields: z.array(z.string()).meta({ description: 'Names only: credential values are never returned.' }),
    credentialsError: z.string().optional(),
    credentialsKeyId: z.string().optional(),
    createdAt: z.string().optional(),
    updatedAt: z.string().optional(),
    links: z.object({ self: z.string(), test: z.string() }),
  })
  .meta({ id: 'Connector' });

const answerText = (what: string) =>
  z
    .string()
    .max(200)
    .meta({
      description: `${what}: one line of plain text, at most 200 characters (no markup, control characters or URL secrets).`,
    });

const healthCheckSchema = z
  .union([
    z.object({ ok: z.literal(true), latencyMs: z.number() }),
    z.object({
      ok: z.literal(false),
      latencyMs: z.number(),
      error: z.object({
        code: z.string().meta({
          description:
            'A connector error code (`UNAUTHORIZED`, `NETWORK`, `CONNECTOR_MISCONFIGURED` …). `DESTINATION_REFUSED`: the egress guard refused the address before connecting (loopback, private, link-local, metadata …); only the operator allows such a destination (CONNECTOR_EGRESS_ALLOW, connectors.yaml `egress.allow`).',
        }),
        message: answerText('What failed'),
        retryable: z.boolean(),
        vendorMessage: answerText("The vendor's own words, cut and cleaned").optional(),
      }),
    }),
  ])
  .meta({ id: 'ConnectorHealthCheck' });

/**
 * 422 on writes: `destination-not-allowed` (a URL outside the vendor's hosts that the operator
 * allows nowhere) and `credentials-required` (a destination changed without the credentials).
 */
const destinationRules =
  ' Credentials are bound to their destinations: a request that changes a URL of the settings (or a destination setting such as tenantId) of an instance with credentials must send `credentials` again, or `"credentials": null` to drop them (422 `credentials-required`). URLs must lie on the vendor\'s hosts unless the operator allows them (422 `destination-not-allowed`); `settings.rateLimit.redisUrl` is the operator\'s and refused (400).';

const nameParams = z.object({ name: connectorNameSchema.meta({ example: 'payment.stripe' }) });

const stripeExample = {
  name: 'payment.stripe',
  kind: 'payment',
  vendor: 'stripe',
  settings: { timeoutMs: 10000 },
  credentials: { secretKey: 'sk_test_…' },
};
const viewExample = {
  name: 'payment.stripe',
  kind: 'payment',
  vendor: 'stripe',
  source: 'database',
  overrides: null,
  enabled: true,
  settings: { timeoutMs: 10000 },
  hasCredentials: true,
  credentialFields: ['secretKey'],
  credentialsKeyId: 'k1',
  links: { self: '/v1/connectors/payment.stripe', test: '/v1/connectors/payment.stripe/test' },
};

const scope = 'connectors:write' as const;

export const connectorsPaths: ZodOpenApiPathsObject = {
  '/v1/connectors': {
    get: authenticated(scope, {
      operationId: 'listConnectors',
      tags: ['connectors'],
      summary: 'List connector instances of every layer (database, connectors.yaml, defaults), in name order',
      requestParams: { query: listConnectorsQuerySchema },
      responses: {
        '200': jsonResponse(
          'One page of instances.',
          z.object({ items: z.array(connectorViewSchema), nextPageToken: z.string().nullable() }),
          { items: [viewExample], nextPageToken: null },
        ),
        ...errorResponses(400),
      },
    }),
    post: authenticated(scope, {
      operationId: 'createConnector',
      tags: ['connectors'],
      summary: 'Create an instance; credentials are encrypted and never returned',
      description: `URLs must lie on the vendor's hosts unless the operator allows them (422 \`destination-not-allowed\`); \`settings.rateLimit.redisUrl\` is the operator's and refused (400).`,
      requestBody: jsonBody(createConnectorBodySchema, stripeExample),
      responses: {
        '201': jsonResponse('Created.', connectorViewSchema, viewExample),
        ...errorResponses(400, 409, 413, 415, 422),
      },
    }),
  },
  '/v1/connectors/{name}': {
    get: authenticated(scope, {
      operationId: 'getConnector',
      tags: ['connectors'],
      summary: 'Read an instance (without secrets)',
      requestParams: { path: nameParams },
      responses: {
        '200': jsonResponse('The instance.', connectorViewSchema, viewExample),
        ...errorResponses(400, 404),
      },
    }),
    put: authenticated(scope, {
      operationId: 'replaceConnector',
      tags: ['connectors'],
      summary: 'Create or replace an instance (omitted credentials are kept)',
      description: `Omitted credentials are kept only while the destinations stay the same.${destinationRules}`,
      requestParams: { path: nameParams },
      requestBody: jsonBody(replaceConnectorBodySchema, {
        kind: 'payment',
        vendor: 'stripe',
        settings: { timeoutMs: 10000 },
      }),
      responses: {
        '200': jsonResponse('Replaced.', connectorViewSchema, viewExample),
        '201': jsonResponse('Created.', connectorViewSchema, viewExample),
        ...errorResponses(400, 413, 415, 422),
      },
    }),
    patch: authenticated(scope, {
      operationId: 'updateConnector',
      tags: ['connectors'],
      summary: 'Change an instance: settings as a JSON merge patch, credentials replaced or cleared',
      description: `Settings are a JSON merge patch (RFC 7396).${destinationRules}`,
      requestParams: { path: nameParams },
      requestBody: jsonBody(patchConnectorBodySchema, { settings: { timeoutMs: 20000 } }),
      responses: {
        '200': jsonResponse('Updated.', connectorViewSchema, viewExample),
        ...errorResponses(400, 404, 409, 413, 415, 422),
      },
    }),
    delete: authenticated(scope, {
      operationId: 'deleteConnector',
      tags: ['connectors'],
      summary: 'Delete a database instance (a connectors.yaml or default one beneath it takes over)',
      requestParams: { path: nameParams },
      responses: { '204': { description: 'Deleted.' }, ...errorResponses(400, 404, 409) },
    }),
  },
  '/v1/connectors/{name}/test': {
    post: authenticated(scope, {
      operationId: 'testConnector',
      tags: ['connectors'],
      summary: 'A live health check against the vendor',
      description:
        "Always 200: the outcome is in the body. A failure carries a short plain-text message, never the vendor's body or a server's banner beyond it. A destination the egress guard refuses answers `DESTINATION_REFUSED` before any connection is made, the same for an open port as for a closed one.",
      requestParams: { path: nameParams },
      responses: {
        '200': jsonResponse('The outcome, success or not.', healthCheckSchema, {
          ok: false,
          latencyMs: 212,
          error: {
            code: 'UNAUTHORIZED',
            message: 'payment.stripe: the vendor refused the credentials',
            retryable: false,
          },
        }),
        ...errorResponses(400, 404),
      },
    }),
  },
};
