/**
 * The schedule spec: what config/schedules.yaml declares and what /v1/schedules accepts and returns.
 * One zod schema for both, so a schedule reads the same wherever it is written.
 *
 *   id: nightly-orders          # letters, digits, . _ - (max 100); the Temporal Schedule ID
 *   description: …              # optional, for people
 *   workflow: orderToCash       # a catalog type (GET /v1/workflows)
 *   input: { … }                # validated by the process's input schema
 *   cron: '0 2 * * *'           # or a list of them (Temporal cron: 5-7 fields, @daily, …) …
 *   every: 1h                   # … or an interval, optionally { interval: 1h, offset: 15m }; exactly one of cron/every
 *   timezone: Europe/Berlin     # IANA name (default UTC); cron fields are read in it
 *   overlap: skip               # skip | buffer_one | buffer_all | cancel_other | terminate_other | allow_all (default skip)
 *   catchupWindow: 1 day        # how late a missed action may still run after an outage (10 s – 366 days; default Temporal's, one year)
 *   paused: false               # the state a create or a replace sets (default false)
 *   note: …                     # optional; shown beside the paused state in the Web UI
 *
 * Durations are `ms` strings (`90s`, `15m`, `1h`, `1 day`) in whole seconds, as Temporal keeps them.
 * What only the Temporal server can judge (cron field ranges) is checked when the schedule is
 * written; the SDK reports it as a TypeError, which callers turn into a field error on `cron`.
 */
import { msToNumber } from '../temporal/sdk-internals';
import { z } from 'zod';

export const SCHEDULE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export const scheduleIdSchema = z
  .string()
  .regex(SCHEDULE_ID_PATTERN, 'letters, digits, . _ - (max 100), starting with a letter or digit');

/** Our names for Temporal's ScheduleOverlapPolicy, lower case like the rest of the API. */
export const OVERLAP_POLICIES = [
  'skip',
  'buffer_one',
  'buffer_all',
  'cancel_other',
  'terminate_other',
  'allow_all',
] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];
export const overlapPolicySchema = z.enum(OVERLAP_POLICIES);

const SECOND_MS = 1_000;
const DAY_MS = 86_400_000;

/** Milliseconds of an `ms` duration string, or null when it is not one. */
export function durationMs(text: string): number | null {
  try {
    const value = msToNumber(text as Parameters<typeof msToNumber>[0]);
    return Number.isFinite(value) ? value : null;
  } catch {
    return null;
  }
}

function durationSchema(minMs: number, maxMs: number, bounds: string) {
  return z
    .string()
    .trim()
    .min(1)
    .max(40)
    .superRefine((text, ctx) => {
      const value = durationMs(text);
      if (value === null) ctx.addIssue({ code: 'custom', message: 'must be a duration such as 90s, 15m, 1h or 1 day' });
      else if (value % SECOND_MS !== 0) ctx.addIssue({ code: 'custom', message: 'must be whole seconds' });
      else if (value < minMs || value > maxMs) ctx.addIssue({ code: 'custom', message: `must be ${bounds}` });
    });
}

const intervalSchema = durationSchema(SECOND_MS, 366 * DAY_MS, 'between 1 second and 366 days');
const offsetSchema = durationSchema(0, 366 * DAY_MS, 'between 0 and 366 days');
// Temporal raises anything shorter to 10 s; refusing it says so instead of silently differing.
const catchupWindowSchema = durationSchema(10 * SECOND_MS, 366 * DAY_MS, 'between 10 seconds and 366 days');

const cronExpressionSchema = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine((text) => !/^(CRON_)?TZ=/i.test(text), 'must not set a time zone: use the timezone field')
  .refine((text) => text.startsWith('@') || [5, 6, 7].includes(text.split('#')[0]!.trim().split(/\s+/).length), {
    message:
      'must have 5 to 7 fields (minute hour day-of-month month day-of-week [year]) or be a shorthand such as @daily',
  });

export const timezoneSchema = z
  .string()
  .min(1)
  .max(64)
  .superRefine((name, ctx) => {
    let resolved: string;
    try {
      resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be an IANA time zone such as Europe/Berlin or UTC' });
      return;
    }
    // Intl ignores case; the Temporal server (Go's tz database) does not.
    if (resolved !== name && resolved.toLowerCase() === name.toLowerCase()) {
      ctx.addIssue({ code: 'custom', message: `must be spelled ${resolved}` });
    }
  });

export const everySchema = z.union([
  intervalSchema,
  z
    .strictObject({ interval: intervalSchema, offset: offsetSchema.optional() })
    .refine(
      ({ interval, offset }) => offset === undefined || (durationMs(offset) ?? 0) < (durationMs(interval) ?? Infinity),
      { path: ['offset'], message: 'must be shorter than the interval' },
    ),
]);

const specFields = {
  description: z.string().max(500).optional(),
  workflow: z.string().min(1).max(100),
  /** Checked against the workflow's input schema by resolveScheduleSpec. */
  input: z.unknown(),
  cron: z.union([cronExpressionSchema, z.array(cronExpressionSchema).min(1).max(20)]).optional(),
  every: everySchema.optional(),
  timezone: timezoneSchema.default('UTC'),
  overlap: overlapPolicySchema.default('skip'),
  catchupWindow: catchupWindowSchema.optional(),
  paused: z.boolean().default(false),
  note: z.string().max(1000).optional(),
};

function exactlyOneTiming(spec: { cron?: unknown; every?: unknown }, ctx: z.RefinementCtx): void {
  if (spec.cron === undefined && spec.every === undefined) {
    ctx.addIssue({ code: 'custom', path: ['cron'], message: 'one of cron or every is required' });
  } else if (spec.cron !== undefined && spec.every !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['every'], message: 'give either cron or every, not both' });
  }
}

/** A schedule in config/schedules.yaml and the body of POST /v1/schedules. */
export const scheduleSpecSchema = z.strictObject({ id: scheduleIdSchema, ...specFields }).superRefine(exactlyOneTiming);

/** The body of PUT /v1/schedules/:id: the id may be repeated (a GET's spec sent back as is). */
export const scheduleReplaceSchema = z
  .strictObject({ id: scheduleIdSchema.optional(), ...specFields })
  .superRefine(exactlyOneTiming);

export type ScheduleSpec = z.output<typeof scheduleSpecSchema>;
/** A spec without its id (PUT names it in the path). */
export type ScheduleBody = Omit<ScheduleSpec, 'id'>;
export type Every = z.output<typeof everySchema>;
