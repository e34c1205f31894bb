/**
 * The OpenAPI 3.1 document of the admin API, generated from the zod schemas the routes validate
 * with (each area's `<area>.openapi.ts`), so the docs cannot drift from the validation.
 */
import { createDocument, type ZodOpenApiPathsObject } from 'zod-openapi';
import type { oas31 } from 'zod-openapi';

export type OpenApiDocument = oas31.OpenAPIObject;

export interface ApiDocumentOptions {
  version: string;
  sections: readonly ZodOpenApiPathsObject[];
}

export function buildApiDocument({ version, sections }: ApiDocumentOptions): OpenApiDocument {
  const paths: ZodOpenApiPathsObject = {};
  for (const section of sections) {
    for (const [path, item] of Object.entries(section)) paths[path] = { ...paths[path], ...item };
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Junction admin API',
      version,
      description:
        'Start, inspect, signal and cancel business process runs; manage connectors, schedules, API keys and the audit trail. ' +
        'Errors are RFC 9457 `application/problem+json` with a `requestId`.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key (`jk_…`), or an OIDC access token when OIDC is configured.',
        },
      },
    },
    paths,
  }) as OpenApiDocument;
}
