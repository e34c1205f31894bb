import { AppError } from '../errors/app-error';
import type { ResetPolicy } from '../../workflows/reset-policy';
import type { RunHistoryFacts, ScheduledEvent } from './run-history-reader';

/** Where a reset goes: a named step, the step the run failed at, or the start. */
export type ResetTarget = { toStep: string } | { to: 'lastFailure' } | { to: 'start' };

export interface ResetPoint {
  /** The WorkflowTaskCompleted event to reset to (workflowTaskFinishEventId). */
  eventId: number;
  /** The step the run starts again at; `start` for the whole run. */
  step: string;
}

const refuse = (detail: string, code: string) => AppError.conflict(detail, code);

/**
 * Refuses a run whose saga undid an effect. Whatever the target, the old idempotency keys would
 * come back: a step after the undone one would use the voided authorization or cancelled order,
 * and the undone step run again with its old key gets the vendor's stored (voided, cancelled)
 * record back. Such a run is repaired by a new generation with new keys, not by a reset.
 */
export function refuseCompensatedRun(policy: ResetPolicy, facts: RunHistoryFacts, workflowId: string): void {
  const undone = facts.scheduled.flatMap((activity) => {
    const compensation = policy.compensationOf(activity);
    return compensation?.undoes ? [`${activity.activityType} (undoes ${compensation.undoes})`] : [];
  });
  if (undone.length === 0) return;
  throw refuse(
    `Run "${workflowId}" was compensated: ${[...new Set(undone)].join(', ')}. A reset would run again under the ` +
      'keys of the undone effects (a voided payment must not be captured again); it needs a rerun as a new generation.',
    'run-compensated',
  );
}

/** Finds the reset point of the target in the run's history, or refuses (409) naming why. */
export function findResetPoint(policy: ResetPolicy, facts: RunHistoryFacts, target: ResetTarget): ResetPoint {
  if ('to' in target && target.to === 'start') {
    if (facts.firstWorkflowTaskCompletedEventId === null)
      throw refuse('The run has no completed workflow task to reset to.', 'no-reset-point');
    return { eventId: facts.firstWorkflowTaskCompletedEventId, step: 'start' };
  }
  const step = 'toStep' in target ? target.toStep : failedStepOf(policy, facts);
  if (!policy.isResettable(step)) {
    throw refuse(
      `Step "${step}" is not resettable; the steps a run of this process may be reset to are: ${policy.resettableSteps}.`,
      'step-not-resettable',
    );
  }
  const first = facts.scheduled.find((activity) => policy.stepOf(activity) === step);
  if (!first) throw refuse(`The run never reached step "${step}".`, 'step-not-reached');
  return { eventId: first.workflowTaskCompletedEventId, step };
}

/** The step of the last forward activity that failed for good (compensations that failed are not the run's failure). */
function failedStepOf(policy: ResetPolicy, facts: RunHistoryFacts): string {
  const byId = new Map<number, ScheduledEvent>(facts.scheduled.map((activity) => [activity.eventId, activity]));
  for (const id of [...facts.failedScheduledEventIds].reverse()) {
    const activity = byId.get(id);
    if (!activity || policy.compensationOf(activity)) continue;
    const step = policy.stepOf(activity);
    if (step) return step;
    throw refuse(
      `The run failed in activity ${activity.activityType}, which is in no resettable step.`,
      'step-not-resettable',
    );
  }
  throw refuse('The run has no failed step; name one with toStep or reset to the start.', 'no-failed-step');
}
