/** OpenAPI description of /healthz and /readyz (no key needed). */
import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { PROBLEM_CONTENT_TYPE } from '../../errors/app-error';
import { jsonResponse, problemSchema } from '../openapi/problem.schema';

const checks = z.record(z.string(), z.enum(['ok', 'failed']));

export const healthPaths: ZodOpenApiPathsObject = {
  '/healthz': {
    get: {
      operationId: 'healthz',
      tags: ['health'],
      summary: 'Liveness: the process answers',
      responses: { '200': jsonResponse('Alive.', z.object({ status: z.literal('ok') }), { status: 'ok' }) },
    },
  },
  '/readyz': {
    get: {
      operationId: 'readyz',
      tags: ['health'],
      summary: 'Readiness: the database and Temporal answer',
      responses: {
        '200': jsonResponse('Ready.', z.object({ status: z.literal('ok'), checks }), {
          status: 'ok',
          checks: { database: 'ok', temporal: 'ok' },
        }),
        '503': {
          description: 'Not ready; `checks` says which dependency failed (reasons are in the log only).',
          content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema.extend({ checks }) } },
        },
      },
    },
  },
};
