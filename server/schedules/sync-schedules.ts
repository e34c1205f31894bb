/**
 * Makes Temporal's `config` schedules match a declared list (config/schedules.yaml):
 *   - a declared schedule that does not exist is created, marked `managedBy: 'config'`;
 *   - one that exists with another spec hash is replaced (state included: the file's `paused`
 *     applies when its entry changes; an unchanged entry leaves a pause made by ops alone);
 *   - a `config` schedule the list no longer declares is deleted;
 *   - schedules created through the API or outside Junction are never touched: when the file
 *     declares the id of one, it is reported as a conflict and logged, not taken over.
 * Safe to run from several API replicas at once: a create that loses the race re-reads the
 * schedule, a delete of one already gone is fine, and concurrent updates write the same spec.
 * Deletion finds `config` schedules by listing, which Temporal serves from its (eventually
 * consistent) visibility store: one created a moment ago may be noticed only at the next start.
 */
import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  type Client,
  type ScheduleDescription,
} from '@temporalio/client';
import { withinDeadline } from '../temporal/temporal-errors';
import { getLogger } from '../../logging/logger';
import type { ResolvedSchedule } from './resolve-spec';
import { rejectedSpecField } from './schedule-errors';
import { managedByOf, specHashOf, specMemoOf } from './schedule-memo';
import { toScheduleOptions, toScheduleUpdateOptions } from './schedule-options';

export interface RejectedSchedule {
  id: string;
  field: 'cron' | 'every' | 'timezone';
  /** Temporal's reason. */
  message: string;
}

export interface ScheduleSyncReport {
  created: string[];
  updated: string[];
  unchanged: string[];
  deleted: string[];
  /** Declared, but the schedule with that id is not a config schedule: left alone. */
  conflicts: string[];
  /** Declared, but Temporal refused the spec (e.g. a cron field out of range). */
  rejected: RejectedSchedule[];
}

export interface SyncSchedulesOptions {
  client: Client;
  /** Where scheduled runs go (config.temporal.taskQueue); part of each schedule's spec hash. */
  taskQueue: string;
  schedules: readonly ResolvedSchedule[];
  /** Bound on each Temporal call (default 10 s; the listing gets six times that). */
  rpcMs?: number;
}

type Outcome = 'created' | 'updated' | 'unchanged' | 'conflict' | RejectedSchedule;

class NoLongerConfigManaged extends Error {}

function messageChain(error: unknown): string {
  const messages: string[] = [];
  for (let current: unknown = error; current instanceof Error && messages.length < 4; current = current.cause)
    messages.push(current.message);
  return messages.join(': ') || String(error);
}

export async function syncSchedules(options: SyncSchedulesOptions): Promise<ScheduleSyncReport> {
  const { client, taskQueue } = options;
  const rpcMs = options.rpcMs ?? 10_000;
  const rpc = <T>(call: () => Promise<T>): Promise<T> => withinDeadline(client, rpcMs, call);
  const report: ScheduleSyncReport = {
    created: [],
    updated: [],
    unchanged: [],
    deleted: [],
    conflicts: [],
    rejected: [],
  };

  async function describe(id: string): Promise<ScheduleDescription | null> {
    try {
      return await rpc(() => client.schedule.getHandle(id).describe());
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) return null;
      throw error;
    }
  }

  async function reconcile({ spec, process }: ResolvedSchedule, existing: ScheduleDescription): Promise<Outcome> {
    if (managedByOf(existing.memo) !== 'config') return 'conflict';
    if (specMemoOf(existing.action.memo)?.specHash === specHashOf(spec, taskQueue)) return 'unchanged';
    await rpc(() =>
      client.schedule.getHandle(spec.id).update((previous) => {
        if (managedByOf(previous.memo) !== 'config') throw new NoLongerConfigManaged();
        return toScheduleUpdateOptions(spec, process, { taskQueue });
      }),
    );
    return 'updated';
  }

  async function syncOne(schedule: ResolvedSchedule): Promise<Outcome> {
    const { spec, process } = schedule;
    try {
      const existing = await describe(spec.id);
      if (existing) return await reconcile(schedule, existing);
      try {
        await rpc(() => client.schedule.create(toScheduleOptions(spec, process, { taskQueue, managedBy: 'config' })));
        return 'created';
      } catch (error) {
        if (!(error instanceof ScheduleAlreadyRunning)) throw error;
        // Another replica's start-up created it in between.
        const created = await describe(spec.id);
        return created ? await reconcile(schedule, created) : 'unchanged';
      }
    } catch (error) {
      if (error instanceof NoLongerConfigManaged) return 'conflict';
      const field = rejectedSpecField(error, spec);
      if (field) return { id: spec.id, field, message: (error as Error).message };
      // The SDK's message ("Failed to create schedule") hides the server's reason in the cause.
      throw new Error(`Could not sync schedule "${spec.id}": ${messageChain(error)}`, { cause: error });
    }
  }

  for (const schedule of options.schedules) {
    const outcome = await syncOne(schedule);
    const id = schedule.spec.id;
    if (outcome === 'created') report.created.push(id);
    else if (outcome === 'updated') report.updated.push(id);
    else if (outcome === 'unchanged') report.unchanged.push(id);
    else if (outcome === 'conflict') report.conflicts.push(id);
    else report.rejected.push(outcome);
  }

  const declared = new Set(options.schedules.map((schedule) => schedule.spec.id));
  const stale = await withinDeadline(client, rpcMs * 6, async () => {
    const ids: string[] = [];
    for await (const summary of client.schedule.list()) {
      if (managedByOf(summary.memo) === 'config' && !declared.has(summary.scheduleId)) ids.push(summary.scheduleId);
    }
    return ids;
  });
  for (const id of stale) {
    try {
      await rpc(() => client.schedule.getHandle(id).delete());
      report.deleted.push(id);
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
    }
  }

  const logger = getLogger();
  for (const id of report.conflicts) {
    logger.error('schedules file declares a schedule that is not config-managed; left alone', { scheduleId: id });
  }
  logger.info('schedules synced', {
    created: report.created,
    updated: report.updated,
    deleted: report.deleted,
    unchanged: report.unchanged.length,
    conflicts: report.conflicts,
    rejected: report.rejected.map((rejected) => rejected.id),
  });
  return report;
}
