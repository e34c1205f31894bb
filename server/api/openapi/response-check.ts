/**
 * Checks every JSON response against the operation's documented response schema, so the
 * OpenAPI document stays true: `log` reports a mismatch, `strict` (development and tests) also
 * answers 500 instead of the undocumented body.
 */
import type { RequestHandler, Request, Response } from 'express';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { getLogger } from '../../../logging/logger';
import { PROBLEM_CONTENT_TYPE, problemType } from '../../errors/app-error';
import type { OpenApiDocument } from './api-document';

export type ResponseCheckMode = 'off' | 'log' | 'strict';

interface DocumentedResponse {
  /** By media type; absent for responses without a body. */
  validators: Map<string, ValidateFunction>;
}

type Operations = Map<string, Map<string, DocumentedResponse>>;

/** `/v1/runs/:workflowId` → `/v1/runs/{workflowId}` */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function compileOperations(document: OpenApiDocument): Operations {
  // OpenAPI 3.1 schemas are JSON Schema 2020-12 plus annotations (example) Ajv need not know.
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ $id: 'openapi.json', components: document.components ?? {} });
  const operations: Operations = new Map();
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = item?.[method];
      if (!operation) continue;
      const responses = new Map<string, DocumentedResponse>();
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const validators = new Map<string, ValidateFunction>();
        const content: Record<string, { schema?: unknown }> = 'content' in response ? (response.content ?? {}) : {};
        for (const [mediaType, media] of Object.entries(content)) {
          if (!media.schema) continue;
          // Component references point into openapi.json.
          const schema = JSON.parse(
            JSON.stringify(media.schema).replaceAll('"#/components/', '"openapi.json#/components/'),
          ) as object;
          validators.set(mediaType, ajv.compile(schema));
        }
        responses.set(status, { validators });
      }
      operations.set(`${method.toUpperCase()} ${path}`, responses);
    }
  }
  return operations;
}

function documentedPathOf(req: Request): string | null {
  if (!req.route) return null;
  return openApiPath(`${req.baseUrl}${String(req.route.path)}`);
}

function parseJson(body: unknown): { ok: true; value: unknown } | { ok: false } {
  if (typeof body === 'string') {
    try {
      return { ok: true, value: JSON.parse(body) };
    } catch {
      return { ok: false };
    }
  }
  if (Buffer.isBuffer(body)) return parseJson(body.toString('utf8'));
  return { ok: true, value: body };
}

/** Why the response breaks the document, or null when it conforms or is not the check's business. */
function violationOf(operations: Operations, req: Request, res: Response, body: unknown): string | null {
  const path = documentedPathOf(req);
  const mediaType = String(res.get('content-type') ?? '')
    .split(';')[0]!
    .trim();
  if (!path || !/json$/.test(mediaType)) return null;
  const responses = operations.get(`${req.method} ${path}`);
  // Every /v1 route belongs in the document; outside it only the reference itself is undocumented.
  if (!responses) return path.startsWith('/v1/') ? `${req.method} ${path} is not in the OpenAPI document` : null;
  const documented = responses.get(String(res.statusCode)) ?? responses.get('default');
  if (!documented) return `status ${res.statusCode} is not documented for ${req.method} ${path}`;
  const validate = documented.validators.get(mediaType);
  if (!validate) return `${mediaType} is not documented for ${res.statusCode} of ${req.method} ${path}`;
  const parsed = parseJson(body);
  if (!parsed.ok) return `the ${mediaType} body is not JSON`;
  if (validate(parsed.value)) return null;
  const errors = (validate.errors ?? [])
    .slice(0, 5)
    .map((error) => `${error.instancePath || '(body)'} ${error.message ?? ''}`);
  return `the ${res.statusCode} body of ${req.method} ${path} does not match its schema: ${errors.join('; ')}`;
}

export function responseCheck(document: OpenApiDocument, mode: ResponseCheckMode): RequestHandler {
  if (mode === 'off') return (_req, _res, next) => next();
  const operations = compileOperations(document);
  return (req, res, next) => {
    const send = res.send.bind(res);
    let checked = false;
    res.send = (body?: unknown) => {
      if (checked) return send(body);
      checked = true;
      const violation = violationOf(operations, req, res, body);
      if (!violation) return send(body);
      getLogger().error('response does not match the OpenAPI document', { violation });
      if (mode === 'log') return send(body);
      res.status(500).type(PROBLEM_CONTENT_TYPE);
      return send(
        JSON.stringify({
          type: problemType('response-schema-violation'),
          title: 'Internal Server Error',
          status: 500,
          detail: violation,
          instance: req.originalUrl.split('?')[0] ?? req.originalUrl,
          requestId: res.locals.requestId ?? '',
        }),
      );
    };
    next();
  };
}
