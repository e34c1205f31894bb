/**
 * What a process declares about resetting its runs to a step (POST /v1/runs/{id}/reset). Steps
 * are found in a run's history by the activities that do their work: the first activity of a step
 * scheduled in the history is where the step starts, and the reset goes to the workflow task that
 * scheduled it. Workflow code never imports this file.
 */

/** One ActivityTaskScheduled event of a history, with its decoded input. */
export interface ScheduledActivity {
  activityType: string;
  /** The activity's first argument, decoded with the client's data converter. */
  input: unknown;
}

/** What a compensation activity does: `undoes` names the step whose effect it reverses; null for a notice (a failure email). */
export interface CompensationFacts {
  undoes: string | null;
}

export interface ResetPolicy {
  /** How the resettable steps are named, for error messages ("createSalesOrder, authorizePayment …" or "task paths"). */
  resettableSteps: string;
  /** Whether a run may be reset to this step (declared resettable); a step never found in a history cannot be reset to anyway. */
  isResettable(step: string): boolean;
  /** The step a scheduled activity does work for; null for a compensation or an activity outside any resettable step. */
  stepOf(activity: ScheduledActivity): string | null;
  /** The compensation this activity is; null when it is a forward step. */
  compensationOf(activity: ScheduledActivity): CompensationFacts | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The field at `path` of an activity input, or undefined. */
export function fieldOf(input: unknown, path: readonly string[]): unknown {
  let current: unknown = input;
  for (const name of path) {
    if (!isRecord(current)) return undefined;
    current = current[name];
  }
  return current;
}
