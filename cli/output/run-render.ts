import type { RunFailure, RunSummary, RunView } from '../api-types';
import { detailPairs, pendingText } from './progress-text';
import { fields, instant, table, type Cell } from './table';

function businessKeyOf(run: RunSummary): string | null {
  const value = run.searchAttributes.BusinessKey;
  return typeof value === 'string' ? value : null;
}

export function runsTable(runs: readonly RunSummary[]): string {
  if (runs.length === 0) return 'No runs.';
  return table(
    ['WORKFLOW ID', 'TYPE', 'STATUS', 'PROCESS STATUS', 'BUSINESS KEY', 'STARTED (UTC)', 'CLOSED (UTC)'],
    runs.map((run) => [
      run.workflowId,
      run.type,
      run.status,
      typeof run.searchAttributes.ProcessStatus === 'string' ? run.searchAttributes.ProcessStatus : null,
      businessKeyOf(run),
      instant(run.startTime),
      instant(run.closeTime),
    ]),
  );
}

/** The failure and its causes, outermost first, one indented line each. */
export function failureChain(failure: RunFailure): string[] {
  const lines: string[] = [];
  let current: RunFailure | null = failure;
  for (let depth = 0; current; depth++, current = current.cause) {
    const type = current.type ? ` (${current.type})` : '';
    const details = current.details === undefined ? '' : ` ${JSON.stringify(current.details)}`;
    lines.push(`${'  '.repeat(depth)}${depth > 0 ? 'caused by: ' : ''}${current.message}${type}${details}`);
  }
  return lines;
}

/** Attributes Temporal keeps for itself (worker build ids, patch markers): not the process's facts. */
const isTemporalOwn = (name: string): boolean => name === 'BuildIds' || name.startsWith('Temporal');

function searchAttributesText(attributes: Record<string, unknown>): string | null {
  const pairs = Object.entries(attributes)
    .filter(([key]) => !isTemporalOwn(key))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('|') : String(value)}`);
  return pairs.length > 0 ? pairs.join(', ') : null;
}

/** `runs show`: the summary, then the progress, then the result or the failure chain. */
export function runDetails(view: RunView): string {
  const rows: [string, Cell][] = [
    ['Workflow ID', view.workflowId],
    ['Run ID', view.runId],
    ['Type', view.type],
    ['Status', view.status],
    ['Started', instant(view.startTime)],
    ['Closed', instant(view.closeTime)],
    ['Task queue', view.taskQueue],
    ['Search attributes', searchAttributesText(view.searchAttributes)],
  ];
  const progress = view.progress;
  if (!progress) {
    rows.push(['Progress', 'no answer (no worker polling, or it was slow)']);
  } else {
    rows.push(['Process status', progress.status]);
    rows.push(['Current step', progress.currentStep]);
    rows.push([
      'Steps done',
      progress.stepsDone.length > 0 ? `${progress.stepsDone.length}: ${progress.stepsDone.join(', ')}` : '0',
    ]);
    if (progress.pending) rows.push(['Waiting for', pendingText(progress.pending)]);
    const pairs = detailPairs(progress.details);
    if (pairs.length > 0) rows.push(['Details', pairs.join(', ')]);
    if (progress.compensations.length > 0) {
      rows.push([
        'Compensations',
        progress.compensations.map((c) => `${c.step} ${c.outcome}${c.error ? ` (${c.error})` : ''}`).join(', '),
      ]);
    }
    if (progress.failure) rows.push(['Failed step', `${progress.failure.step}: ${progress.failure.message}`]);
  }
  if (view.result !== undefined) rows.push(['Result', JSON.stringify(view.result)]);
  const out = [fields(rows)];
  if (view.failure) out.push('Failure:', ...failureChain(view.failure).map((line) => `  ${line}`));
  return out.join('\n');
}
