import { z } from 'zod';
import type { RecipientFailure } from '../../workflows/notification-fanout/notification-fanout.types';

/** What a notification batch heartbeats after each recipient, and resumes from on a retry. */
export interface BatchCheckpoint {
  /** Index of the next recipient to send to. */
  next: number;
  sent: number;
  failed: RecipientFailure[];
}

const checkpointSchema = z.object({
  next: z.number().int().nonnegative(),
  sent: z.number().int().nonnegative(),
  failed: z.array(
    z.object({ email: z.string(), code: z.string(), status: z.number().int().optional(), message: z.string() }),
  ),
});

/** The last heartbeat's checkpoint, or the start when there is none (or it is not one of ours). */
export function checkpointFrom(heartbeatDetails: unknown): BatchCheckpoint {
  const parsed = checkpointSchema.safeParse(heartbeatDetails);
  return parsed.success ? parsed.data : { next: 0, sent: 0, failed: [] };
}
