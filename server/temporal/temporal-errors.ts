import { isGrpcServiceError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { AppError } from '../errors/app-error';

// gRPC status codes that mean "Temporal could not be reached or did not answer in time".
const DEADLINE_EXCEEDED = 4;
const RESOURCE_EXHAUSTED = 8;
const UNAVAILABLE = 14;
const UNAVAILABLE_CODES = new Set([DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, UNAVAILABLE]);

/** The gRPC status code of an error or of any error in its cause chain. */
export function grpcCodeOf(error: unknown): number | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    if (isGrpcServiceError(current)) return current.code;
    current = current.cause;
  }
  return undefined;
}

export function isTemporalUnavailable(error: unknown): boolean {
  const code = grpcCodeOf(error);
  return code !== undefined && UNAVAILABLE_CODES.has(code);
}

/**
 * Translates what the Temporal client throws into API errors: unknown runs become 404,
 * an unreachable or overloaded server 503; anything else is rethrown as is (a 500).
 */
export function translateTemporalError(error: unknown, workflowId?: string): never {
  if (error instanceof WorkflowNotFoundError) {
    throw AppError.notFound(`No run with workflow id "${workflowId ?? error.workflowId}".`, 'run-not-found');
  }
  if (isTemporalUnavailable(error)) {
    throw AppError.unavailable('Temporal is unreachable or did not answer in time; retry later.', error);
  }
  throw error;
}

/** Bounds one Temporal call so a request never hangs on an unreachable server. */
export function withinDeadline<T>(client: Client, timeoutMs: number, call: () => Promise<T>): Promise<T> {
  return client.withDeadline(Date.now() + timeoutMs, call);
}
