import { ScheduleAlreadyRunning, ScheduleNotFoundError } from '@temporalio/client';
import { AppError } from '../errors/app-error';
import { translateTemporalError } from '../temporal/temporal-errors';
import type { ScheduleSpec } from './schedule-spec';

/** An unknown schedule is 404, an existing id on create 409; the rest as for runs (503 when Temporal is away). */
export function translateScheduleError(error: unknown, id: string): never {
  if (error instanceof AppError) throw error;
  if (error instanceof ScheduleNotFoundError) throw AppError.notFound(`No schedule "${id}".`, 'schedule-not-found');
  if (error instanceof ScheduleAlreadyRunning) {
    throw AppError.conflict(
      `A schedule "${id}" already exists; PUT /v1/schedules/${id} replaces it.`,
      'schedule-exists',
    );
  }
  translateTemporalError(error);
}

/**
 * The Temporal SDK reports a spec the server refused (a cron field out of range, a time zone the
 * server does not know) as a TypeError carrying the server's message. Returns the spec field it
 * concerns, or null when the error is something else.
 */
export function rejectedSpecField(
  error: unknown,
  spec: Pick<ScheduleSpec, 'cron'>,
): 'cron' | 'every' | 'timezone' | null {
  if (!(error instanceof TypeError)) return null;
  if (/time ?zone/i.test(error.message)) return 'timezone';
  return spec.cron !== undefined ? 'cron' : 'every';
}
