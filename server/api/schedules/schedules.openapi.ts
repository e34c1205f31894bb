/**
 * OpenAPI description of /v1/schedules, built from the schemas the routes validate with; the
 * response schemas mirror server/schedules/schedule-views.ts and the service's accepted answers.
 */
import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { MANAGED_BY } from '../../schedules/schedule-memo';
import { OVERLAP_POLICIES } from '../../schedules/schedule-spec';
import { MAX_BACKFILL_ACTIONS } from '../../schedules/schedules.service';
import { authenticated } from '../openapi/operation';
import { errorResponses, jsonBody, jsonResponse } from '../openapi/problem.schema';
import { EXAMPLE_ORDER_INPUT } from '../openapi/examples';
import {
  backfillBodySchema,
  createScheduleBodySchema,
  listSchedulesQuerySchema,
  scheduleIdSchema,
  scheduleReplaceSchema,
  stateChangeBodySchema,
  triggerBodySchema,
} from './schedules.schemas';

const instant = z.string().meta({ format: 'date-time', example: '2026-11-24T02:00:00.000Z' });
const overlapSchema = z.enum(OVERLAP_POLICIES);
const selfLinks = z.object({ self: z.string() });
const runLinks = z.object({ run: z.string().meta({ description: 'GET it for the run started by this action.' }) });

// Request and response alike: a GET's spec may be PUT back as is.
const scheduleSpecSchema = createScheduleBodySchema.meta({
  id: 'ScheduleSpec',
  description:
    'A schedule as config/schedules.yaml declares it: exactly one of `cron` or `every`; durations are `ms` strings in whole seconds (`90s`, `15m`, `1h`, `1 day`).',
});

const scheduleStateSchema = z
  .object({
    paused: z.boolean(),
    note: z.string().nullable().meta({ description: 'Why it was paused or unpaused, as the Web UI shows it.' }),
  })
  .meta({ id: 'ScheduleState' });

const runningActionSchema = z
  .object({ workflowId: z.string(), runId: z.string(), links: runLinks })
  .meta({ id: 'ScheduleRunningAction' });

const scheduledActionSchema = runningActionSchema
  .extend({
    scheduledAt: instant.meta({ description: 'When the schedule meant the run to start (jitter included).' }),
    takenAt: instant.meta({ description: 'When Temporal started it.' }),
  })
  .meta({ id: 'ScheduledAction' });

const summaryInfo = {
  recentActions: z.array(scheduledActionSchema).meta({ description: "Oldest first, at most Temporal's ten." }),
  nextActionTimes: z.array(instant),
};

const scheduleSummarySchema = z
  .object({
    id: z.string(),
    managedBy: z.enum(MANAGED_BY).nullable().meta({
      description:
        '`config`: declared in config/schedules.yaml (replace and delete answer 409); `api`: created here; null: created outside Junction.',
    }),
    workflow: z.string().nullable().meta({ description: 'The catalog type the schedule starts.' }),
    state: scheduleStateSchema,
    info: z.object(summaryInfo),
    links: selfLinks,
  })
  .meta({ id: 'ScheduleSummary' });

const scheduleViewSchema = scheduleSummarySchema
  .extend({
    spec: scheduleSpecSchema.nullable().meta({
      description:
        'The editable form (GET, change, PUT back), with the current input and the live paused state and note; null for a schedule created outside Junction.',
    }),
    info: z.object({
      ...summaryInfo,
      runningActions: z.array(runningActionSchema),
      actionCount: z.number().int(),
      skippedOverlap: z.number().int().meta({ description: 'Actions skipped by the overlap policy.' }),
      missedCatchupWindow: z
        .number()
        .int()
        .meta({ description: 'Actions missed because they were later than the catch-up window.' }),
      createdAt: instant,
      updatedAt: instant.nullable(),
    }),
  })
  .meta({ id: 'Schedule' });

const triggerAcceptedSchema = z
  .object({ id: z.string(), overlap: overlapSchema, links: selfLinks })
  .meta({ id: 'ScheduleTriggerAccepted' });

const backfillAcceptedSchema = z
  .object({
    id: z.string(),
    from: instant,
    to: instant,
    overlap: overlapSchema.nullable().meta({ description: "null: the schedule's own policy." }),
    actions: z
      .number()
      .int()
      .meta({ description: 'Scheduled times in the range: the runs the backfill starts at most.' }),
    links: selfLinks,
  })
  .meta({ id: 'ScheduleBackfillAccepted' });

const idParams = z.object({ id: scheduleIdSchema.meta({ example: 'nightly-orders' }) });

/** For the POSTs whose body may be left out. */
function optionalJsonBody(schema: z.ZodType, example: unknown) {
  return { ...jsonBody(schema, example), required: false };
}

const specExample = {
  id: 'nightly-orders',
  description: 'Re-run the standing order every night',
  workflow: 'orderToCash',
  input: EXAMPLE_ORDER_INPUT,
  cron: '0 2 * * *',
  timezone: 'Europe/Berlin',
  overlap: 'skip',
  catchupWindow: '1 day',
  paused: false,
};
const { id: _exampleId, ...replaceExample } = specExample;

const actionExample = {
  scheduledAt: '2026-11-24T01:00:00.000Z',
  takenAt: '2026-11-24T01:00:00.112Z',
  workflowId: 'schedule-nightly-orders-2026-11-24T01:00:00Z',
  runId: '0193f4d2-6c1e-7a3b-9f10-1c2d3e4f5a6b',
  links: { run: '/v1/runs/schedule-nightly-orders-2026-11-24T01%3A00%3A00Z' },
};
const summaryExample = {
  id: 'nightly-orders',
  managedBy: 'api',
  workflow: 'orderToCash',
  state: { paused: false, note: null },
  info: { recentActions: [actionExample], nextActionTimes: ['2026-11-25T01:00:00.000Z'] },
  links: { self: '/v1/schedules/nightly-orders' },
};
const viewExample = {
  ...summaryExample,
  spec: specExample,
  info: {
    ...summaryExample.info,
    runningActions: [],
    actionCount: 1,
    skippedOverlap: 0,
    missedCatchupWindow: 0,
    createdAt: '2026-11-20T09:30:00.000Z',
    updatedAt: '2026-11-23T16:05:00.000Z',
  },
};
const pausedExample = {
  ...viewExample,
  spec: { ...specExample, paused: true, note: 'ERP maintenance window' },
  state: { paused: true, note: 'ERP maintenance window' },
};

const read = 'runs:read' as const;
const write = 'schedules:write' as const;

export const schedulesPaths: ZodOpenApiPathsObject = {
  '/v1/schedules': {
    get: authenticated(read, {
      operationId: 'listSchedules',
      tags: ['schedules'],
      summary: 'List schedules, a page at a time',
      description:
        'Every Temporal Schedule of the namespace, including those created in the Web UI or CLI (`managedBy: null`). A key whose read scopes name processes (`runs:read:<type>`) sees the schedules of those processes only; a page may then hold fewer items than `pageSize` while `nextPageToken` still pages on.',
      requestParams: { query: listSchedulesQuerySchema },
      responses: {
        '200': jsonResponse(
          'One page of schedules.',
          z
            .object({ items: z.array(scheduleSummarySchema), nextPageToken: z.string().nullable() })
            .meta({ id: 'SchedulesPage' }),
          {
            items: [summaryExample],
            nextPageToken: null,
          },
        ),
        ...errorResponses(400),
      },
    }),
    post: authenticated(write, {
      operationId: 'createSchedule',
      tags: ['schedules'],
      summary: 'Create a Temporal Schedule that starts a catalog process',
      description:
        "The input is validated by the process's input schema (GET /v1/workflows); what only Temporal can judge (cron field ranges) answers 400 naming the field. Besides `schedules:write`, the caller needs the right to start the process (`runs:write` or `runs:write:<workflow>`), and `runs:infrastructure` for an input that chooses infrastructure (the catalog's `infrastructureFields`; restating the deployment's defaults is allowed): 403 naming the scope otherwise.",
      requestBody: jsonBody(scheduleSpecSchema, specExample),
      responses: {
        '201': {
          ...jsonResponse('Created.', scheduleViewSchema, viewExample),
          headers: z.object({ location: z.string().meta({ example: '/v1/schedules/nightly-orders' }) }),
        },
        ...errorResponses(400, 409, 413, 415),
      },
    }),
  },
  '/v1/schedules/{id}': {
    get: authenticated(read, {
      operationId: 'getSchedule',
      tags: ['schedules'],
      summary: 'Describe a schedule: its editable spec, state, recent and next actions',
      description: "Needs `runs:read` for the schedule's process (`runs:read` or `runs:read:<workflow>`).",
      requestParams: { path: idParams },
      responses: { '200': jsonResponse('The schedule.', scheduleViewSchema, viewExample), ...errorResponses(400, 404) },
    }),
    put: authenticated(write, {
      operationId: 'replaceSchedule',
      tags: ['schedules'],
      summary: 'Replace the spec of a schedule',
      description:
        "The body is a spec; its `id` may be left out or must equal the path. A schedule declared in config/schedules.yaml answers 409 `managed-by-config`: change it in the file. Needs the right to start the new spec's process and, for an input choosing infrastructure, `runs:infrastructure`, as create does.",
      requestParams: { path: idParams },
      requestBody: jsonBody(scheduleReplaceSchema, replaceExample),
      responses: {
        '200': jsonResponse('Replaced.', scheduleViewSchema, viewExample),
        ...errorResponses(400, 404, 409, 413, 415),
      },
    }),
    delete: authenticated(write, {
      operationId: 'deleteSchedule',
      tags: ['schedules'],
      summary: 'Delete a schedule (runs it started keep running)',
      description:
        'A schedule declared in config/schedules.yaml answers 409 `managed-by-config`: remove it from the file.',
      requestParams: { path: idParams },
      responses: { '204': { description: 'Deleted.' }, ...errorResponses(400, 404, 409) },
    }),
  },
  '/v1/schedules/{id}/pause': {
    post: authenticated(write, {
      operationId: 'pauseSchedule',
      tags: ['schedules'],
      summary: 'Pause a schedule, with an optional note',
      description:
        'Allowed for schedules declared in config/schedules.yaml too; start-up sync leaves the paused state alone until their entry changes.',
      requestParams: { path: idParams },
      requestBody: optionalJsonBody(stateChangeBodySchema, { note: 'ERP maintenance window' }),
      responses: {
        '200': jsonResponse('Paused.', scheduleViewSchema, pausedExample),
        ...errorResponses(400, 404, 413, 415),
      },
    }),
  },
  '/v1/schedules/{id}/unpause': {
    post: authenticated(write, {
      operationId: 'unpauseSchedule',
      tags: ['schedules'],
      summary: 'Unpause a schedule, with an optional note',
      description:
        "An unpaused schedule starts runs again: besides `schedules:write` it needs the right to start the schedule's process (`runs:write` or `runs:write:<workflow>`).",
      requestParams: { path: idParams },
      requestBody: optionalJsonBody(stateChangeBodySchema, { note: 'Maintenance over' }),
      responses: {
        '200': jsonResponse('Unpaused.', scheduleViewSchema, {
          ...viewExample,
          spec: { ...specExample, note: 'Maintenance over' },
          state: { paused: false, note: 'Maintenance over' },
        }),
        ...errorResponses(400, 404, 413, 415),
      },
    }),
  },
  '/v1/schedules/{id}/trigger': {
    post: authenticated(write, {
      operationId: 'triggerSchedule',
      tags: ['schedules'],
      summary: "Start the schedule's workflow once, now",
      description:
        'The overlap policy defaults to `allow_all`, so a "run now" runs even beside a running action. The run appears in `info.recentActions` once Temporal has started it. Besides `schedules:write` it needs the right to start the schedule\'s process (`runs:write` or `runs:write:<workflow>`).',
      requestParams: { path: idParams },
      requestBody: optionalJsonBody(triggerBodySchema, { overlap: 'skip' }),
      responses: {
        '202': jsonResponse('Accepted by Temporal.', triggerAcceptedSchema, {
          id: 'nightly-orders',
          overlap: 'allow_all',
          links: { self: '/v1/schedules/nightly-orders' },
        }),
        ...errorResponses(400, 404, 413, 415),
      },
    }),
  },
  '/v1/schedules/{id}/backfill': {
    post: authenticated(write, {
      operationId: 'backfillSchedule',
      tags: ['schedules'],
      summary: 'Take the actions the schedule would have taken between two instants',
      description: `The range may span at most 366 days and hold at most ${MAX_BACKFILL_ACTIONS} scheduled times; a larger one answers 400 naming \`to\`. The overlap policy defaults to the schedule's own. Besides \`schedules:write\` it needs the right to start the schedule's process (\`runs:write\` or \`runs:write:<workflow>\`).`,
      requestParams: { path: idParams },
      requestBody: jsonBody(backfillBodySchema, {
        from: '2026-11-20T00:00:00Z',
        to: '2026-11-23T00:00:00Z',
        overlap: 'allow_all',
      }),
      responses: {
        '202': jsonResponse('Accepted by Temporal.', backfillAcceptedSchema, {
          id: 'nightly-orders',
          from: '2026-11-20T00:00:00.000Z',
          to: '2026-11-23T00:00:00.000Z',
          overlap: 'allow_all',
          actions: 3,
          links: { self: '/v1/schedules/nightly-orders' },
        }),
        ...errorResponses(400, 404, 413, 415),
      },
    }),
  },
};
