import type { Progress, RunView } from '../api-types';

/** A detail value as a short token: scalars as they are, lists by their length, records by their keys. */
function detailToken(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (Array.isArray(value)) return `[${value.length}]`;
  if (typeof value === 'object') return '{…}';
  return String(value);
}

/**
 * Process-specific details (counts, totals) as `key=value` pairs; one level of nesting is
 * flattened (`counts.matched=3`), so batch counters show without knowing the process.
 */
export function detailPairs(details: Progress['details']): string[] {
  if (!details) return [];
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(details)) {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [inner, innerValue] of Object.entries(value as Record<string, unknown>))
        pairs.push(`${key}.${inner}=${detailToken(innerValue)}`);
    } else {
      pairs.push(`${key}=${detailToken(value)}`);
    }
  }
  return pairs;
}

export function pendingText(pending: NonNullable<Progress['pending']>): string {
  const escalated = pending.escalated
    ? `, escalated${pending.escalatedFrom ? ` from ${pending.escalatedFrom}` : ''}`
    : '';
  return `step ${pending.step}/${pending.steps}: ${pending.approver} since ${pending.since}${escalated}`;
}

/** The progress of a run as short lines: status and steps, what it waits for, its figures. */
export function progressLines(view: RunView): string[] {
  const progress = view.progress;
  if (!progress) return [`${view.workflowId}  ${view.status}  (no progress answer: is a worker running?)`];
  const steps = `${progress.stepsDone.length} step${progress.stepsDone.length === 1 ? '' : 's'} done`;
  const current = progress.currentStep ? `, now ${progress.currentStep}` : '';
  const last =
    !progress.currentStep && progress.stepsDone.length > 0
      ? `, last ${progress.stepsDone[progress.stepsDone.length - 1]}`
      : '';
  // The process's own status says more than Temporal's only when they differ (e.g. WAITING_FOR_APPROVAL).
  const status = progress.status === view.status ? view.status : `${view.status} (${progress.status})`;
  const lines = [`${view.workflowId}  ${status}  ${steps}${current}${last}`];
  if (progress.pending) lines.push(`  waiting for ${pendingText(progress.pending)}`);
  const pairs = detailPairs(progress.details);
  if (pairs.length > 0) lines.push(`  ${pairs.join('  ')}`);
  if (progress.compensations.length > 0)
    lines.push(`  compensations: ${progress.compensations.map((c) => `${c.step} ${c.outcome}`).join(', ')}`);
  if (progress.failure) lines.push(`  failed at ${progress.failure.step}: ${progress.failure.message}`);
  return lines;
}
