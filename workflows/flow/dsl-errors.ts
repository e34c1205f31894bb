import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure, TimeoutFailure } from '@temporalio/workflow';
import { FLOW_ARGUMENTS_ERROR, FLOW_EXPRESSION_ERROR, FLOW_RAISED_ERROR } from './flow-failure-types';

/** A DSL 1.0 error (RFC 7807 shaped): what `try`/`catch` filters on and `raise` throws. */
export interface DslError {
  type: string;
  status: number;
  title?: string;
  detail?: string;
  instance?: string;
}

const SPEC_ERRORS = 'https://serverlessworkflow.io/spec/1.0.0/errors/';

/** The DSL's standard error types. */
export const DslErrorType = {
  communication: `${SPEC_ERRORS}communication`,
  expression: `${SPEC_ERRORS}expression`,
  runtime: `${SPEC_ERRORS}runtime`,
  timeout: `${SPEC_ERRORS}timeout`,
  validation: `${SPEC_ERRORS}validation`,
} as const;

interface ConnectorErrorDetails {
  status?: number;
  retryable?: boolean;
}

/**
 * The DSL error of whatever a task threw. A connector failure is a `communication` error whose
 * `title` is the connector's error code (`PAYMENT_DECLINED`, `OUT_OF_STOCK` …), so a flow catches a
 * business refusal with `errors: { with: { title: PAYMENT_DECLINED } }`.
 */
export function toDslError(error: unknown, instance: string): DslError {
  if (error instanceof ActivityFailure || error instanceof ChildWorkflowFailure) {
    return toDslError(error.cause ?? error, instance);
  }
  if (error instanceof TimeoutFailure) {
    return { type: DslErrorType.timeout, status: 408, title: 'Timeout', detail: error.message, instance };
  }
  if (error instanceof ApplicationFailure) {
    if (error.type === FLOW_RAISED_ERROR && isDslError(error.details?.[0])) return error.details[0];
    if (error.type === FLOW_EXPRESSION_ERROR) {
      return {
        type: DslErrorType.expression,
        status: 400,
        title: 'Expression failed',
        detail: error.message,
        instance,
      };
    }
    if (error.type === FLOW_ARGUMENTS_ERROR) {
      return {
        type: DslErrorType.validation,
        status: 400,
        title: 'Invalid arguments',
        detail: error.message,
        instance,
      };
    }
    const details = (error.details?.[0] ?? {}) as ConnectorErrorDetails;
    return {
      type: DslErrorType.communication,
      status: typeof details.status === 'number' ? details.status : error.nonRetryable ? 400 : 503,
      title: error.type ?? 'Error',
      detail: error.message,
      instance,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { type: DslErrorType.runtime, status: 500, title: 'Runtime error', detail: message, instance };
}

export function isDslError(value: unknown): value is DslError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as DslError).type === 'string' &&
    typeof (value as DslError).status === 'number'
  );
}

/** The failure a `raise` task (or the interpreter, on a DSL-level error) throws. */
export function dslFailure(error: DslError): ApplicationFailure {
  return ApplicationFailure.create({
    type: FLOW_RAISED_ERROR,
    message: error.detail ?? error.title ?? error.type,
    nonRetryable: true,
    details: [error],
  });
}

/** `catch.errors.with`: every attribute given must equal the error's. */
export function matchesErrorFilter(error: DslError, filter: unknown): boolean {
  if (typeof filter !== 'object' || filter === null) return true;
  const attributes = error as unknown as Record<string, unknown>;
  return Object.entries(filter).every(([key, expected]) => attributes[key] === expected);
}
