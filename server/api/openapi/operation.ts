import type { ZodOpenApiOperationObject } from 'zod-openapi';
import type { Scope } from '../../auth/scopes';
import { errorResponses } from './problem.schema';

/**
 * An operation behind `authorize(keys, scope)`: bearer auth, the scope in its description, and the
 * 401/403/429/503 every such route can answer.
 */
export function authenticated(scope: Scope | null, operation: ZodOpenApiOperationObject): ZodOpenApiOperationObject {
  return {
    ...operation,
    description: [operation.description, scope ? `Requires the \`${scope}\` scope.` : 'Requires an API key.']
      .filter(Boolean)
      .join('\n\n'),
    security: [{ bearerAuth: [] }],
    responses: { ...operation.responses, ...errorResponses(401, ...(scope ? [403 as const] : []), 429, 503) },
  };
}
