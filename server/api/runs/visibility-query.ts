import { RUN_STATUSES, type RunStatus } from '../../runs/run-views';

export interface RunFilter {
  type?: string;
  /** Only runs of these types (a caller whose read scopes name processes); never empty. */
  types?: readonly string[];
  status?: RunStatus;
  businessKey?: string;
  /** ISO-8601 instants: runs started at or after / before. */
  startedAfter?: string;
  startedBefore?: string;
  /** A raw visibility query from an admin, ANDed with the filters above. */
  rawQuery?: string;
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
  if (filter.types) {
    if (filter.types.length === 0) throw new Error('buildVisibilityQuery: types must name at least one type');
    clauses.push(`WorkflowType IN (${filter.types.map(quoteVisibilityValue).join(', ')})`);
  }
  if (filter.status) clauses.push(`ExecutionStatus = ${quoteVisibilityValue(RUN_STATUSES[filter.status])}`);
  if (filter.businessKey) clauses.push(`BusinessKey = ${quoteVisibilityValue(filter.businessKey)}`);
  if (filter.startedAfter) clauses.push(`StartTime >= ${quoteVisibilityValue(filter.startedAfter)}`);
  if (filter.startedBefore) clauses.push(`StartTime < ${quoteVisibilityValue(filter.startedBefore)}`);
  if (filter.rawQuery) clauses.push(`(${filter.rawQuery})`);
  return clauses.join(' AND ');
}
