import { z } from 'zod';
import { RUN_STATUS_NAMES } from '../../runs/run-views';
import { NO_CONTROL_CHARACTERS } from '../no-control-characters';

export const startRunBodySchema = z.object({
  type: z.string().min(1).max(100),
  input: z.unknown(),
  businessKey: z.string().min(1).max(255).optional(),
  /** Flows only: the version to start (default: the newest published one). */
  version: z.string().min(1).max(64).optional(),
});

// Workflow ids come from business keys; the bound keeps them inside Temporal's limits.
export const workflowIdSchema = z.string().min(1).max(255);

export const idempotencyKeySchema = z.string().regex(/^[\x21-\x7e]{1,255}$/, 'must be 1-255 visible ASCII characters');

/** An opaque nextPageToken handed out by a list of runs or schedules (base64url). */
export const pageTokenSchema = z
  .string()
  .max(4096)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be a nextPageToken returned by a previous page');

/** Query parameters of GET /v1/runs. `type` is checked against the catalog by the route. */
export const listRunsQuerySchema = z.object({
  type: z.string().min(1).max(100).optional(),
  status: z.enum(RUN_STATUS_NAMES).optional(),
  businessKey: z
    .string()
    .min(1)
    .max(255)
    .regex(NO_CONTROL_CHARACTERS, 'must not contain control characters')
    .optional(),
  startedAfter: z.iso
    .datetime({ offset: true })
    .optional()
    .meta({ description: 'Runs started at or after this instant (ISO-8601).' }),
  startedBefore: z.iso
    .datetime({ offset: true })
    .optional()
    .meta({ description: 'Runs started before this instant (ISO-8601).' }),
  query: z.string().min(1).max(2000).optional().meta({
    description:
      "A raw Temporal visibility query (e.g. `ProcessStatus = 'COMPENSATING'`), ANDed with the other filters. Needs the `admin` scope.",
  }),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  pageToken: pageTokenSchema.optional(),
});

/** Signal, update and query names as workflows declare them (identifiers). */
export const messageNameSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_.-]{0,99}$/, 'must be a declared signal, update or query name');

/** Query of GET /v1/runs/:workflowId/history. */
export const historyQuerySchema = z.object({
  pageSize: z.coerce.number().int().min(1).max(1000).default(200),
  pageToken: z
    .string()
    .max(8192)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be a nextPageToken returned by a previous page')
    .optional(),
});

/** Body of POST /v1/runs/:workflowId/terminate. */
export const terminateBodySchema = z.strictObject({
  reason: z.string().min(1).max(500).meta({ description: "Recorded in the run's history and the audit trail." }),
});

/** Body of POST /v1/runs/:workflowId/reset: exactly one of toStep and to. */
export const resetBodySchema = z
  .strictObject({
    toStep: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[A-Za-z0-9_./-]+$/, 'must be a step name or a flow task path')
      .optional()
      .meta({
        description: 'A step of the process (`createSalesOrder`) or a flow task path (`/do/2/createSalesOrder`).',
      }),
    to: z
      .enum(['lastFailure', 'start'])
      .optional()
      .meta({ description: '`lastFailure`: the step the run failed at; `start`: the whole run again.' }),
    reason: z.string().min(1).max(500).meta({ description: "Recorded in the new run's history and the audit trail." }),
  })
  .refine((body) => (body.toStep === undefined) !== (body.to === undefined), {
    message: 'give exactly one of toStep and to',
    path: ['toStep'],
  });
