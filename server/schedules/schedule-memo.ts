/**
 * What Junction records on a Temporal Schedule, in two memos:
 *
 * - the Schedule's own memo `{ managedBy: 'config' | 'api' }`, set at creation. Temporal cannot
 *   change a Schedule's memo afterwards, and neither does Junction: who owns a schedule is decided
 *   once. Start-up sync only ever updates or deletes `config` schedules.
 * - the memo of the start-workflow action `{ junctionSchedule: { specHash, spec } }`, which Temporal
 *   updates with the action. `spec` is the spec as last written through Junction, without its
 *   input (the action's argument holds that); Temporal keeps cron expressions only in compiled
 *   form, so this is where the cron text and the description live. Every run the schedule starts
 *   carries the same memo, so the Web UI shows which schedule started a run and from which spec.
 *   `specHash` lets start-up sync skip schedules whose spec has not changed.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ScheduleSpec } from './schedule-spec';

export const MANAGED_BY_MEMO_KEY = 'managedBy';
export const SPEC_MEMO_KEY = 'junctionSchedule';

export const MANAGED_BY = ['config', 'api'] as const;
export type ManagedBy = (typeof MANAGED_BY)[number];

export type StoredSpec = Omit<ScheduleSpec, 'input'>;

export interface SpecMemo {
  specHash: string;
  spec: StoredSpec;
}

// Read back loosely: the memo is ours, but a schedule edited elsewhere must still be describable.
const specMemoSchema = z.object({
  specHash: z.string(),
  spec: z.looseObject({ id: z.string(), workflow: z.string() }),
});

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Identifies what a schedule would be written as: the spec (input included) and the task queue
 * its runs go to. Key order and undefined fields do not matter.
 */
export function specHashOf(spec: ScheduleSpec, taskQueue: string): string {
  return createHash('sha256')
    .update(canonicalJson({ version: 1, spec, taskQueue }))
    .digest('hex');
}

export function managedByOf(memo: Record<string, unknown> | undefined): ManagedBy | null {
  const value = memo?.[MANAGED_BY_MEMO_KEY];
  return (MANAGED_BY as readonly unknown[]).includes(value) ? (value as ManagedBy) : null;
}

/** The action memo Junction wrote, or null on a schedule created elsewhere (Web UI, CLI). */
export function specMemoOf(actionMemo: Record<string, unknown> | undefined): SpecMemo | null {
  const parsed = specMemoSchema.safeParse(actionMemo?.[SPEC_MEMO_KEY]);
  return parsed.success ? (parsed.data as unknown as SpecMemo) : null;
}

export function specMemo(spec: ScheduleSpec, taskQueue: string): Record<string, SpecMemo> {
  const { input: _input, ...stored } = spec;
  return { [SPEC_MEMO_KEY]: { specHash: specHashOf(spec, taskQueue), spec: stored } };
}
