import { ApiError, CliError } from '../cli-errors';

/** Field errors as `field: message; field: message`, at most `limit` of them. */
function fieldErrors(error: ApiError, limit = 5): string {
  const errors = error.problem?.errors ?? [];
  if (errors.length === 0) return '';
  const shown = errors.slice(0, limit).map((entry) => `${entry.field}: ${entry.message}`);
  const more = errors.length > limit ? `; … ${errors.length - limit} more` : '';
  return ` [${shown.join('; ')}${more}]`;
}

/**
 * One readable line for an error: what the API said (title, detail, field errors), its status,
 * Retry-After and requestId (the handle to quote when asking the operators).
 */
export function errorLine(error: unknown): string {
  if (error instanceof ApiError) {
    const problem = error.problem;
    const title = problem?.title ? `${problem.title}: ` : '';
    const detail = problem?.detail ?? (error.text.trim().slice(0, 200) || 'no details');
    const facts = [`HTTP ${error.status}`];
    if (error.retryAfterSeconds !== null) facts.push(`retry after ${error.retryAfterSeconds} s`);
    if (problem?.requestId) facts.push(`requestId ${problem.requestId}`);
    return `${title}${detail}${fieldErrors(error)} (${facts.join(', ')})`;
  }
  if (error instanceof CliError) return error.message;
  return `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
}
