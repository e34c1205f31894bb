/**
 * From a structurally valid spec to one Junction can schedule: the workflow must be in the catalog
 * and the input must satisfy its input schema. The input is completed the way POST /v1/runs
 * completes it (connectors.yaml defaults for processes that choose connectors), once, when the
 * schedule is written: every run the schedule starts then names the instances it uses, and the
 * Web UI shows the input exactly as the runs receive it.
 */
import type { z } from 'zod';
import { withDefaultConnectors, type StepConnectors } from '../../connectors/registry/step-defaults';
import type { ProcessDefinition } from '../../workflows/catalog';
import type { ScheduleBody, ScheduleSpec } from './schedule-spec';

/** One problem of a spec, with its path inside the spec (`['input', 'lines', 0, 'sku']`). */
export interface SpecIssue {
  path: readonly PropertyKey[];
  message: string;
}

export interface SpecContext {
  catalog: readonly ProcessDefinition[];
  /** connectors.yaml `defaults`. */
  connectorDefaults?: StepConnectors;
}

/** A spec whose workflow exists and whose input is the parsed, completed input. */
export interface ResolvedSchedule {
  spec: ScheduleSpec;
  process: ProcessDefinition;
}

export type ResolveResult = { success: true; schedule: ResolvedSchedule } | { success: false; issues: SpecIssue[] };

/** One issue per zod issue; an unknown key is named itself, like the API's field errors. */
export function specIssuesOf(error: z.ZodError): SpecIssue[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: [...issue.path, key], message: 'is not allowed here' }))
      : [{ path: issue.path, message: issue.message }],
  );
}

/** The input as the schedule will pass it, before validation: the connector defaults filled in. */
export function completeScheduleInput(
  process: ProcessDefinition,
  input: unknown,
  connectorDefaults: StepConnectors = {},
): unknown {
  return process.choosesConnectors ? withDefaultConnectors(input, connectorDefaults) : input;
}

export function resolveScheduleSpec(id: string, body: ScheduleBody, context: SpecContext): ResolveResult {
  const process = context.catalog.find((candidate) => candidate.type === body.workflow);
  if (!process) {
    const known = context.catalog.map((candidate) => candidate.type).join(', ');
    return {
      success: false,
      issues: [{ path: ['workflow'], message: `unknown workflow type "${body.workflow}" (known: ${known})` }],
    };
  }
  const requested = completeScheduleInput(process, body.input, context.connectorDefaults);
  const parsed = process.inputSchema.safeParse(requested);
  if (!parsed.success) {
    return {
      success: false,
      issues: specIssuesOf(parsed.error).map((issue) => ({ ...issue, path: ['input', ...issue.path] })),
    };
  }
  return { success: true, schedule: { spec: { id, ...body, input: parsed.data }, process } };
}
