import { ActivityFailure, isCancellation, sleep, type RetryPolicy } from '@temporalio/workflow';
import { NON_RETRYABLE_CODES } from '../../../connectors/connector-error-codes';
import { DslErrorType, matchesErrorFilter, toDslError } from '../dsl-errors';
import { durationMs } from '../durations';
import { FLOW_ARGUMENTS_ERROR, FLOW_EXPRESSION_ERROR, FLOW_RAISED_ERROR } from '../flow-failure-types';
import type { Frame, FlowRunState } from '../flow-run-state';
import { isJsonObject, type RunningTask, type TaskResult } from '../task-types';

const DETERMINISTIC_ERRORS: readonly string[] = [DslErrorType.expression, DslErrorType.validation];

/** The DSL's `catch.retry`, read once. */
interface DslRetry {
  delayMs: number;
  coefficient: number;
  maxAttempts: number;
}

function readRetry(retry: unknown): DslRetry | null {
  if (!isJsonObject(retry)) return null;
  const backoff = isJsonObject(retry.backoff) ? retry.backoff : {};
  const limit = isJsonObject(retry.limit) ? retry.limit : {};
  const attempt = isJsonObject(limit.attempt) ? limit.attempt : {};
  return {
    delayMs: retry.delay === undefined ? 1000 : durationMs(retry.delay),
    // Temporal's backoff is exponential with a coefficient: constant is 1; linear is approximated by 1.5.
    coefficient: 'exponential' in backoff ? 2 : 'linear' in backoff ? 1.5 : 1,
    maxAttempts: typeof attempt.count === 'number' ? attempt.count : 3,
  };
}

/** The Temporal retry policy of the connector calls inside the `try`: the DSL retry, run by Temporal. */
function temporalRetry(retry: DslRetry): RetryPolicy {
  return {
    initialInterval: retry.delayMs,
    backoffCoefficient: retry.coefficient,
    maximumAttempts: retry.maxAttempts,
    nonRetryableErrorTypes: [...NON_RETRYABLE_CODES, FLOW_EXPRESSION_ERROR, FLOW_ARGUMENTS_ERROR, FLOW_RAISED_ERROR],
  };
}

/**
 * `try` / `catch`. An error the filter (`errors.with`, `when`, `exceptWhen`, with the error bound
 * to `$<as>`, default `$error`) does not take goes on. A taken one is retried per `catch.retry`:
 * connector calls inside retry as Temporal activities with that policy (non-retryable connector
 * codes stop at once); other errors re-run the `try` list after the delay. Once retries are
 * spent, or without retry, `catch.do` runs with the error bound; with no `catch.do` a retried
 * error goes on and an unretried one is swallowed (the output is the task's input).
 */
export async function runTryTask(
  state: FlowRunState,
  running: RunningTask,
  input: unknown,
  frame: Frame,
): Promise<TaskResult> {
  const { task } = running;
  const handler = isJsonObject(task.catch) ? task.catch : {};
  const retry = readRetry(handler.retry);
  const errorName = typeof handler.as === 'string' ? handler.as : 'error';
  const filter = isJsonObject(handler.errors) ? handler.errors.with : undefined;
  const innerFrame: Frame = retry ? { ...frame, retry: temporalRetry(retry) } : frame;
  const visits = state.saveVisits();
  for (let attempt = 1; ; attempt++) {
    try {
      const outcome = await state.runner.runTaskList(state, task.try, `${running.runtimePath}/try`, input, innerFrame);
      return { raw: outcome.output, end: outcome.end };
    } catch (error) {
      if (isCancellation(error)) throw error;
      const dslError = toDslError(error, state.failedTaskOf(error) ?? running.runtimePath);
      if (!matchesErrorFilter(dslError, filter)) throw error;
      const errorFrame: Frame = { ...frame, variables: { ...frame.variables, [errorName]: dslError } };
      if (handler.when !== undefined || handler.exceptWhen !== undefined) {
        const reference = { name: running.name, reference: running.runtimePath };
        const [when, exceptWhen] = await state.evaluate(
          running.path,
          [handler.when ?? true, handler.exceptWhen ?? false],
          state.scope(input, errorFrame, reference),
        );
        if (when !== true || exceptWhen === true) throw error;
      }
      // Temporal already retried a connector call under the try's policy; an expression or argument
      // error fails the same way every time.
      const retriable = !(error instanceof ActivityFailure) && !DETERMINISTIC_ERRORS.includes(dslError.type);
      if (retry && retriable && attempt < retry.maxAttempts) {
        await sleep(retry.delayMs * retry.coefficient ** (attempt - 1));
        state.restoreVisits(visits); // a retried call keeps its idempotency key
        continue;
      }
      if (handler.do === undefined) {
        if (retry) throw error;
        return { raw: input };
      }
      const outcome = await state.runner.runTaskList(
        state,
        handler.do,
        `${running.runtimePath}/catch/do`,
        input,
        errorFrame,
      );
      return { raw: outcome.output, end: outcome.end };
    }
  }
}
