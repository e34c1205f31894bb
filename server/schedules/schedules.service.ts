/**
 * The use cases behind /v1/schedules, on real Temporal Schedules (client.schedule), so ops see
 * and operate the same schedules in the Web UI.
 *
 * Ownership: a schedule created through the API is `managedBy: 'api'`; one declared in
 * config/schedules.yaml is `managedBy: 'config'` and belongs to that file. Replacing or deleting a
 * config schedule here answers 409 `managed-by-config` (the next start-up would undo it); pausing,
 * unpausing, triggering and backfilling it are operations, not declarations, and are allowed —
 * start-up sync leaves the paused state alone until the schedule's entry in the file changes.
 */
import type { Client, ScheduleHandle } from '@temporalio/client';
import type { StepConnectors } from '../../connectors/registry/step-defaults';
import type { ProcessDefinition } from '../../workflows/catalog';
import type { ProcessResolver } from '../processes/process-resolver';
import { AppError } from '../errors/app-error';
import { fieldPath } from '../errors/field-errors';
import { decodePageToken, encodePageToken } from '../temporal/page-token';
import {
  decodeMapFromPayloads,
  decodeScheduleRecentActions,
  optionalDateToTs,
  tsToDate,
} from '../temporal/sdk-internals';
import { grpcCodeOf, translateTemporalError, withinDeadline } from '../temporal/temporal-errors';
import { rejectedSpecField, translateScheduleError } from './schedule-errors';
import { managedByOf } from './schedule-memo';
import { toScheduleOptions, toScheduleUpdateOptions, toTemporalOverlap } from './schedule-options';
import type { OverlapPolicy, ScheduleBody, ScheduleSpec } from './schedule-spec';
import {
  actionView,
  scheduleLink,
  stateView,
  toScheduleView,
  type ScheduleSummaryView,
  type ScheduleView,
} from './schedule-views';
import { completeScheduleInput, resolveScheduleSpec, type ResolvedSchedule } from './resolve-spec';
import { infrastructureChosen, refuseInfrastructure } from '../runs/infrastructure-fields';
import { checkInitiator } from '../runs/message-actor';
import type { StartGuards } from '../runs/run-guard';

/** A backfill may span at most this much time … */
export const MAX_BACKFILL_RANGE_MS = 366 * 86_400_000;
/** … and take at most this many actions (Temporal starts them all at once). */
export const MAX_BACKFILL_ACTIONS = 500;

const GRPC_INVALID_ARGUMENT = 3;
const GRPC_NOT_FOUND = 5;
// Binds page tokens to this listing, as runs' tokens are bound to their query.
const LIST_TAG = 'schedules';

type ScheduleListEntry = Awaited<ReturnType<Client['workflowService']['listSchedules']>>['schedules'][number];

export interface SchedulesServiceDeps {
  client: Client;
  /** Code processes and flows; a schedule of a flow starts the version that was the default when the schedule was written. */
  processes: ProcessResolver;
  /** Where scheduled runs go (config.temporal.taskQueue). */
  taskQueue: string;
  connectorDefaults?: StepConnectors;
  /** Bound on each Temporal call (default 10 s). */
  rpcMs?: number;
}

export interface SchedulesPage {
  items: ScheduleSummaryView[];
  nextPageToken: string | null;
}

export interface BackfillRequest {
  from: Date;
  to: Date;
  /** Default: the schedule's own overlap policy. */
  overlap?: OverlapPolicy;
}

export interface BackfillAccepted {
  id: string;
  from: string;
  to: string;
  overlap: OverlapPolicy | null;
  /** Scheduled times in the range, as Temporal lists them: the runs the backfill starts at most. */
  actions: number;
  links: { self: string };
}

export interface TriggerAccepted {
  id: string;
  overlap: OverlapPolicy;
  links: { self: string };
}

/** What the caller may schedule: the guards of starting a run, applied to the runs the schedule will start. */
export type ScheduleWriteGuards = StartGuards;

export interface SchedulesService {
  list(request: { pageSize: number; pageToken?: string }): Promise<SchedulesPage>;
  get(id: string): Promise<ScheduleView>;
  create(spec: ScheduleSpec, guards?: ScheduleWriteGuards): Promise<ScheduleView>;
  replace(id: string, body: ScheduleBody, guards?: ScheduleWriteGuards): Promise<ScheduleView>;
  remove(id: string): Promise<void>;
  pause(id: string, note?: string): Promise<ScheduleView>;
  unpause(id: string, note?: string): Promise<ScheduleView>;
  /** Starts one run now; default overlap allow_all, so a "run now" runs even beside a running one. */
  trigger(id: string, overlap?: OverlapPolicy): Promise<TriggerAccepted>;
  backfill(id: string, request: BackfillRequest): Promise<BackfillAccepted>;
}

const invalidPageToken = () =>
  AppError.validation('The page token is invalid.', [
    { field: 'pageToken', message: 'must be the nextPageToken of a previous page' },
  ]);

export const managedByConfig = (id: string): AppError =>
  AppError.conflict(
    `Schedule "${id}" is declared in the schedules file (config/schedules.yaml); change or remove it there. Pause, unpause, trigger and backfill are allowed here.`,
    'managed-by-config',
  );

export function createSchedulesService(deps: SchedulesServiceDeps): SchedulesService {
  const { client, taskQueue } = deps;
  const rpcMs = deps.rpcMs ?? 10_000;
  const rpc = <T>(call: () => Promise<T>): Promise<T> => withinDeadline(client, rpcMs, call);
  const handleOf = (id: string): ScheduleHandle => client.schedule.getHandle(id);

  /** The process a schedule of this type starts; undefined for an unknown type (the spec's issues name it). */
  async function processFor(type: string): Promise<ProcessDefinition | undefined> {
    try {
      return await deps.processes.forStart(type);
    } catch (error) {
      if (error instanceof AppError && error.code === 'unknown-workflow-type') return undefined;
      throw error;
    }
  }

  async function resolve(id: string, body: ScheduleBody, guards: ScheduleWriteGuards): Promise<ResolvedSchedule> {
    // The scope first: a caller who may not start the process learns nothing of its versions.
    if (await deps.processes.isKnownType(body.workflow)) guards.process?.(body.workflow);
    const process = await processFor(body.workflow);
    // Every run the schedule starts gets this input: choosing infrastructure here is choosing it for them all.
    const chosen = process
      ? infrastructureChosen(process, body.input, (input) =>
          completeScheduleInput(process, input, deps.connectorDefaults),
        )
      : [];
    if (chosen.length > 0) (guards.infrastructure ?? refuseInfrastructure)(chosen);
    const resolved = resolveScheduleSpec(id, body, {
      catalog: process ? [process] : await deps.processes.list(),
      ...(deps.connectorDefaults ? { connectorDefaults: deps.connectorDefaults } : {}),
    });
    if (!resolved.success) {
      throw AppError.validation(
        'The schedule is invalid.',
        resolved.issues.map((issue) => ({ field: fieldPath('', issue.path), message: issue.message })),
      );
    }
    checkInitiator(resolved.schedule.process, resolved.schedule.spec.input, guards.person ?? null);
    return resolved.schedule;
  }

  /** A spec Temporal refused becomes a 400 naming the field; anything else is translated. */
  function writeFailed(error: unknown, spec: ScheduleSpec): never {
    const field = rejectedSpecField(error, spec);
    if (field)
      throw AppError.validation('Temporal refused the schedule spec.', [{ field, message: (error as Error).message }]);
    translateScheduleError(error, spec.id);
  }

  async function get(id: string): Promise<ScheduleView> {
    try {
      return toScheduleView(await rpc(() => handleOf(id).describe()));
    } catch (error) {
      translateScheduleError(error, id);
    }
  }

  async function summaryOf(raw: ScheduleListEntry): Promise<ScheduleSummaryView> {
    const id = raw.scheduleId ?? '';
    const memo = await decodeMapFromPayloads(client.schedule.options.loadedDataConverter, raw.memo?.fields);
    return {
      id,
      managedBy: managedByOf(memo),
      workflow: raw.info?.workflowType?.name ?? null,
      state: stateView({ paused: raw.info?.paused === true, note: raw.info?.notes ?? undefined }),
      info: {
        recentActions: decodeScheduleRecentActions(raw.info?.recentActions).map(actionView),
        nextActionTimes: (raw.info?.futureActionTimes ?? []).map((time) => tsToDate(time).toISOString()),
      },
      links: { self: scheduleLink(id) },
    };
  }

  return {
    async list({ pageSize, pageToken }) {
      const token = pageToken === undefined ? null : decodePageToken(LIST_TAG, pageToken);
      if (pageToken !== undefined && !token) throw invalidPageToken();
      try {
        const response = await rpc(() =>
          client.workflowService.listSchedules({
            namespace: client.options.namespace,
            maximumPageSize: pageSize,
            nextPageToken: token,
          }),
        );
        const items = await Promise.all(response.schedules.map(summaryOf));
        const next = response.nextPageToken;
        return { items, nextPageToken: next && next.length > 0 ? encodePageToken(LIST_TAG, next) : null };
      } catch (error) {
        if (token && grpcCodeOf(error) === GRPC_INVALID_ARGUMENT) throw invalidPageToken();
        translateTemporalError(error);
      }
    },

    get,

    async create(body, guards = {}) {
      const { spec, process } = await resolve(body.id, body, guards);
      try {
        await rpc(() => client.schedule.create(toScheduleOptions(spec, process, { taskQueue, managedBy: 'api' })));
      } catch (error) {
        writeFailed(error, spec);
      }
      try {
        return await get(spec.id);
      } catch (error) {
        // Created, then deleted by another request before this one read it back: a create answers
        // no 404, and the id was taken and released meanwhile, which is a conflict.
        if (error instanceof AppError && error.status === 404) {
          throw AppError.conflict(
            `The schedule "${spec.id}" was deleted by another request right after it was created.`,
            'schedule-deleted-concurrently',
          );
        }
        throw error;
      }
    },

    async replace(id, body, guards = {}) {
      const { spec, process } = await resolve(id, body, guards);
      const options = toScheduleUpdateOptions(spec, process, { taskQueue });
      try {
        await rpc(() =>
          handleOf(id).update((previous) => {
            if (managedByOf(previous.memo) === 'config') throw managedByConfig(id);
            return options;
          }),
        );
      } catch (error) {
        writeFailed(error, spec);
      }
      return get(id);
    },

    async remove(id) {
      const current = await get(id);
      if (current.managedBy === 'config') throw managedByConfig(id);
      try {
        await rpc(() => handleOf(id).delete());
      } catch (error) {
        translateScheduleError(error, id);
      }
    },

    async pause(id, note) {
      try {
        await rpc(() => handleOf(id).pause(note ?? 'Paused through the Junction API'));
      } catch (error) {
        translateScheduleError(error, id);
      }
      return get(id);
    },

    async unpause(id, note) {
      try {
        await rpc(() => handleOf(id).unpause(note ?? 'Unpaused through the Junction API'));
      } catch (error) {
        translateScheduleError(error, id);
      }
      return get(id);
    },

    async trigger(id, overlap = 'allow_all') {
      try {
        await rpc(() => handleOf(id).trigger(toTemporalOverlap(overlap)));
      } catch (error) {
        translateScheduleError(error, id);
      }
      return { id, overlap, links: { self: scheduleLink(id) } };
    },

    async backfill(id, { from, to, overlap }) {
      if (to.getTime() - from.getTime() > MAX_BACKFILL_RANGE_MS) {
        throw AppError.validation('The backfill range is too long.', [
          { field: 'to', message: 'must be at most 366 days after from' },
        ]);
      }
      let actions: number;
      try {
        const matching = await rpc(() =>
          client.workflowService.listScheduleMatchingTimes({
            namespace: client.options.namespace,
            scheduleId: id,
            startTime: optionalDateToTs(from),
            endTime: optionalDateToTs(to),
          }),
        );
        actions = matching.startTime?.length ?? 0;
      } catch (error) {
        // The raw call is not wrapped by the schedule client, so its NOT_FOUND arrives as is.
        if (grpcCodeOf(error) === GRPC_NOT_FOUND) throw AppError.notFound(`No schedule "${id}".`, 'schedule-not-found');
        translateScheduleError(error, id);
      }
      if (actions > MAX_BACKFILL_ACTIONS) {
        throw AppError.validation('The backfill range holds too many scheduled times.', [
          {
            field: 'to',
            message: `the range holds more than ${MAX_BACKFILL_ACTIONS} scheduled times; split it into smaller ranges`,
          },
        ]);
      }
      try {
        await rpc(() =>
          handleOf(id).backfill({ start: from, end: to, ...(overlap ? { overlap: toTemporalOverlap(overlap) } : {}) }),
        );
      } catch (error) {
        translateScheduleError(error, id);
      }
      return {
        id,
        from: from.toISOString(),
        to: to.toISOString(),
        overlap: overlap ?? null,
        actions,
        links: { self: scheduleLink(id) },
      };
    },
  };
}
