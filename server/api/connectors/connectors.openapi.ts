/** OpenAPI description of /v1/connectors, built from the schemas the routes validate with. */
import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { CONNECTOR_KINDS } from '../../../connectors/registry/instance-name';
import { authenticated } from '../openapi/operation';
import { errorResponses, jsonBody, jsonResponse } from '../openapi/problem.schema';
import { connectorNameSchema, createConnectorBodySchema, listConnectorsQuerySchema, patchConnectorBodySchema, replaceConnectorBodySchema } from './connectors.schemas';

const connectorViewSchema = z
  .object({
    name: z.string(),
    kind: z.enum(CONNECTOR_KINDS),
    vendor: z.string(),
    source: z.enum(['database', 'config', 'default']).meta({ description: 'Where the definition in force comes from.' }),
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

const healthCheckSchema = z
  .union([
    z.object({ ok: z.literal(true), latencyMs: z.number() }),
    z.object({ ok: z.literal(false), latencyMs: z.number(), error: z.object({ code: z.string(), message: z.string(), retryable: z.boolean(), vendorMessage: z.string().optional() }) }),
  ])
  .meta({ id: 'ConnectorHealthCheck' });

const nameParams = z.object({ name: connectorNameSchema.meta({ example: 'payment.stripe' }) });

const stripeExample = { name: 'payment.stripe', kind: 'payment', vendor: 'stripe', settings: { timeoutMs: 10000 }, credentials: { secretKey: 'sk_test_…' } };
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
        '200': jsonResponse('One page of instances.', z.object({ items: z.array(connectorViewSchema), nextPageToken: z.string().nullable() }), { items: [viewExample], nextPageToken: null }),
        ...errorResponses(400),
      },
    }),
    post: authenticated(scope, {
      operationId: 'createConnector',
      tags: ['connectors'],
      summary: 'Create an instance; credentials are encrypted and never returned',
      requestBody: jsonBody(createConnectorBodySchema, stripeExample),
      responses: { '201': jsonResponse('Created.', connectorViewSchema, viewExample), ...errorResponses(400, 409, 413, 415) },
    }),
  },
  '/v1/connectors/{name}': {
    get: authenticated(scope, {
      operationId: 'getConnector',
      tags: ['connectors'],
      summary: 'Read an instance (without secrets)',
      requestParams: { path: nameParams },
      responses: { '200': jsonResponse('The instance.', connectorViewSchema, viewExample), ...errorResponses(400, 404) },
    }),
    put: authenticated(scope, {
      operationId: 'replaceConnector',
      tags: ['connectors'],
      summary: 'Create or replace an instance (omitted credentials are kept)',
      requestParams: { path: nameParams },
      requestBody: jsonBody(replaceConnectorBodySchema, { kind: 'payment', vendor: 'stripe', settings: { timeoutMs: 10000 } }),
      responses: {
        '200': jsonResponse('Replaced.', connectorViewSchema, viewExample),
        '201': jsonResponse('Created.', connectorViewSchema, viewExample),
        ...errorResponses(400, 413, 415),
      },
    }),
    patch: authenticated(scope, {
      operationId: 'updateConnector',
      tags: ['connectors'],
      summary: 'Change an instance: settings as a JSON merge patch, credentials replaced or cleared',
      requestParams: { path: nameParams },
      requestBody: jsonBody(patchConnectorBodySchema, { settings: { timeoutMs: 20000 } }),
      responses: { '200': jsonResponse('Updated.', connectorViewSchema, viewExample), ...errorResponses(400, 404, 409, 413, 415) },
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
      requestParams: { path: nameParams },
      responses: {
        '200': jsonResponse('The outcome, success or not.', healthCheckSchema, { ok: false, latencyMs: 212, error: { code: 'UNAUTHORIZED', message: 'payment.stripe: the vendor refused the credentials', retryable: false } }),
        ...errorResponses(400, 404),
      },
    }),
  },
};
