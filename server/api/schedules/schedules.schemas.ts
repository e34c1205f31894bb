import { z } from 'zod';
import { pageTokenSchema } from '../runs/runs.schemas';
import { overlapPolicySchema, scheduleIdSchema } from '../../schedules/schedule-spec';

export { scheduleReplaceSchema, scheduleSpecSchema as createScheduleBodySchema } from '../../schedules/schedule-spec';

export { scheduleIdSchema };

/** Query parameters of GET /v1/schedules. */
export const listSchedulesQuerySchema = z.strictObject({
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  pageToken: pageTokenSchema.optional(),
});

/** POST /:id/pause and /:id/unpause; the body may be omitted. */
export const stateChangeBodySchema = z.strictObject({ note: z.string().min(1).max(1000).optional() });

/** POST /:id/trigger; the body may be omitted (overlap allow_all: a "run now" always runs). */
export const triggerBodySchema = z.strictObject({ overlap: overlapPolicySchema.optional() });

const instant = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone, e.g. 2030-01-31T00:00:00Z' })
  .transform((text) => new Date(text));

/** POST /:id/backfill: the runs the schedule would have started between from and to. */
export const backfillBodySchema = z
  .strictObject({ from: instant, to: instant, overlap: overlapPolicySchema.optional() })
  // zod runs this even when from or to failed; only two valid instants are compared.
  .refine(
    (body) => !(body.from instanceof Date && body.to instanceof Date) || body.from.getTime() < body.to.getTime(),
    {
      path: ['to'],
      message: 'must be after from',
    },
  );
