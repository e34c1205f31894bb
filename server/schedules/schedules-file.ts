/**
 * config/schedules.yaml: the schedules a deployment declares (format: schedule-spec.ts).
 *
 *   schedules:
 *     - id: hourly-customer-sync
 *       workflow: customerSync
 *       input: { … }
 *       every: 1h
 *
 * The whole file is checked before anything reaches Temporal; each problem names the entry by
 * index and id and the field by its path (`schedules[1] (nightly).input.lines[0].sku: …`).
 * A bad file fails start-up (SchedulesFileError is a ConfigError: exit code 78).
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../../config';
import { fieldPath } from '../errors/field-errors';
import {
  resolveScheduleSpec,
  specIssuesOf,
  type ResolvedSchedule,
  type SpecContext,
  type SpecIssue,
} from './resolve-spec';
import { scheduleSpecSchema } from './schedule-spec';

export interface SchedulesFile {
  /** Where it was read from, for messages. */
  source: string;
  schedules: ResolvedSchedule[];
}

export class SchedulesFileError extends ConfigError {
  constructor(
    readonly source: string,
    problems: readonly string[],
  ) {
    super(problems.map((problem) => `${source}: ${problem}`));
    this.name = 'SchedulesFileError';
  }
}

const fileSchema = z.strictObject({ schedules: z.array(z.unknown()).default([]) });

/** `schedules[2] (nightly)` — the index always, the id when the entry has a usable one. */
export function entryLabel(index: number, raw: unknown): string {
  const id = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
  return typeof id === 'string' && id.length > 0 && id.length <= 100
    ? `schedules[${index}] (${id})`
    : `schedules[${index}]`;
}

/** `schedules[0] (nightly).input.lines[0].sku: …`; an issue of the whole entry or file names just that. */
function describeIssues(label: string, issues: readonly SpecIssue[]): string[] {
  return issues.map(
    (issue) =>
      `${issue.path.length ? `${label ? `${label}.` : ''}${fieldPath('', issue.path)}` : label || '(file)'}: ${issue.message}`,
  );
}

export function parseSchedulesFile(text: string, context: SpecContext, source = 'schedules.yaml'): SchedulesFile {
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: false }) ?? {};
  } catch (error) {
    throw new SchedulesFileError(source, [`not valid YAML: ${error instanceof Error ? error.message : String(error)}`]);
  }
  const file = fileSchema.safeParse(raw);
  if (!file.success) {
    throw new SchedulesFileError(source, describeIssues('', specIssuesOf(file.error)));
  }

  const problems: string[] = [];
  const schedules: ResolvedSchedule[] = [];
  const firstIndexOf = new Map<string, number>();
  file.data.schedules.forEach((entry, index) => {
    const label = entryLabel(index, entry);
    const parsed = scheduleSpecSchema.safeParse(entry);
    if (!parsed.success) {
      problems.push(...describeIssues(label, specIssuesOf(parsed.error)));
      return;
    }
    const earlier = firstIndexOf.get(parsed.data.id);
    if (earlier !== undefined) {
      problems.push(`${label}.id: "${parsed.data.id}" is already declared by schedules[${earlier}]`);
      return;
    }
    firstIndexOf.set(parsed.data.id, index);
    const resolved = resolveScheduleSpec(parsed.data.id, parsed.data, context);
    if (resolved.success) schedules.push(resolved.schedule);
    else problems.push(...describeIssues(label, resolved.issues));
  });
  if (problems.length) throw new SchedulesFileError(source, problems);
  return { source, schedules };
}

/** Reads the file; null when it does not exist and `required` is false. */
export async function readSchedulesFile(
  path: string,
  context: SpecContext,
  options: { required: boolean },
): Promise<SchedulesFile | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !options.required) return null;
    throw new SchedulesFileError(path, [`cannot be read: ${(error as Error).message}`]);
  }
  return parseSchedulesFile(text, context, path);
}
