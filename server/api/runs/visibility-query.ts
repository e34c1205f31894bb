import { RUN_STATUSES, type RunStatus } from './run-views';

export interface RunFilter {
  type?: string;
  status?: RunStatus;
  businessKey?: string;
}

/** Quotes a value for Temporal's SQL-like visibility language: backslashes and quotes escaped. */
export function quoteVisibilityValue(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * Builds the list query from validated filters only; values are always quoted, never spliced in
 * raw, so a filter cannot change the query's shape.
 */
export function buildVisibilityQuery(filter: RunFilter): string {
  const clauses: string[] = [];
  if (filter.type) clauses.push(`WorkflowType = ${quoteVisibilityValue(filter.type)}`);
  if (filter.status) clauses.push(`ExecutionStatus = ${quoteVisibilityValue(RUN_STATUSES[filter.status])}`);
  if (filter.businessKey) clauses.push(`BusinessKey = ${quoteVisibilityValue(filter.businessKey)}`);
  return clauses.join(' AND ');
}
