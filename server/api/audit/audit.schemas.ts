import { z } from 'zod';
import { NO_CONTROL_CHARACTERS } from '../no-control-characters';

const dateTime = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone, e.g. 2030-01-31T00:00:00Z' })
  .transform((value) => new Date(value));

/** GET /v1/audit. Unknown parameters are refused: a misspelt filter would otherwise widen the answer silently. */
export const listAuditQuerySchema = z
  .object({
    actor: z.string().min(1).max(255).regex(NO_CONTROL_CHARACTERS, 'must not contain control characters').optional(),
    action: z
      .string()
      .regex(
        /^[A-Za-z0-9_.:-]{1,120}(\.\*)?$/,
        'must be an action name such as keys.create, or a family such as keys.*',
      )
      .optional(),
    target: z.string().min(1).max(255).regex(NO_CONTROL_CHARACTERS, 'must not contain control characters').optional(),
    outcome: z.enum(['success', 'failure']).optional(),
    /** Inclusive. */
    from: dateTime.optional(),
    /** Exclusive. */
    to: dateTime.optional(),
    requestId: z.string().min(1).max(64).regex(NO_CONTROL_CHARACTERS, 'must not contain control characters').optional(),
    pageSize: z.coerce.number().int().min(1).max(200).default(50),
    pageToken: z
      .string()
      .max(400)
      .regex(/^[A-Za-z0-9_-]+$/, 'must be a nextPageToken returned by a previous page')
      .optional(),
  })
  .strict()
  // Zod runs this refine even when a field failed: a `from` or `to` that is no date-time is then
  // still the string it came as, and has been reported already.
  .refine((query) => !(query.from instanceof Date && query.to instanceof Date) || query.from < query.to, {
    path: ['to'],
    message: 'must be later than from',
  });

export type ListAuditQuery = z.infer<typeof listAuditQuerySchema>;
