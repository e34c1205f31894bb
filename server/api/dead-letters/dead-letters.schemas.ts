import { z } from 'zod';
import { sourceNameSchema } from '../events/events.schemas';

export const inboxIdSchema = z
  .string()
  .regex(/^\d{1,20}$/, 'must be an inbox id (digits)')
  .meta({ example: '4711' });

/** Why the intake gave up on an event. */
export const deadReasonSchema = z
  .enum(['max-attempts', 'update-rejected', 'rejected-by-temporal', 'invalid-command'])
  .meta({
    description:
      "max-attempts: Temporal was unreachable or refused INTAKE_MAX_ATTEMPTS times; update-rejected: the run's validator refused the update; rejected-by-temporal: Temporal refused the request as invalid (e.g. a search attribute missing on the namespace); invalid-command: the stored delivery is unreadable.",
  });

export const listDeadLettersQuerySchema = z.object({
  source: sourceNameSchema.optional(),
  reason: deadReasonSchema.optional(),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
  pageToken: inboxIdSchema.optional().meta({ description: 'The nextPageToken of the previous page.' }),
});

export const replayManyBodySchema = z.strictObject({
  ids: z.array(inboxIdSchema).min(1).max(1000).optional().meta({
    description:
      'Replay these (the ones still dead); without ids, every dead letter matching source and reason, oldest first.',
  }),
  source: sourceNameSchema.optional(),
  reason: deadReasonSchema.optional(),
  limit: z.number().int().min(1).max(1000).default(100).meta({ description: 'At most this many per call.' }),
});

export const deadLetterSchema = z
  .object({
    id: z.string(),
    source: z.string(),
    eventId: z.string(),
    workflowType: z.string().nullable(),
    workflowId: z.string().nullable(),
    businessKey: z.string().nullable(),
    attempts: z.number().int(),
    reason: z.string().nullable(),
    lastError: z.string().nullable(),
    receivedAt: z.string(),
    deadAt: z.string(),
    importId: z.string().nullable(),
  })
  .meta({ id: 'DeadLetter' });

export const deadLetterDetailSchema = deadLetterSchema
  .extend({ event: z.unknown().meta({ description: 'The event as received.' }) })
  .meta({ id: 'DeadLetterDetail' });

export const replayResultSchema = z
  .object({
    replayed: z.number().int(),
    ids: z.array(z.string()).meta({ description: 'The dead letters now pending again.' }),
  })
  .meta({ id: 'ReplayResult' });
