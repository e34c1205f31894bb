import { ApplicationFailure } from '@temporalio/common';
import { FlowExpressionError } from '../../server/flows/jq/evaluate-templates';
import { FLOW_EXPRESSION_ERROR } from '../../workflows/flow/flow-failure-types';

export { FLOW_ARGUMENTS_ERROR } from '../../workflows/flow/flow-failure-types';

/** Runs `evaluate`, turning an expression failure into a non-retryable failure that names the task. */
export function withExpressionFailures<T>(task: string, evaluate: () => T): T {
  try {
    return evaluate();
  } catch (error) {
    if (error instanceof FlowExpressionError) {
      throw ApplicationFailure.nonRetryable(`Task ${task}: ${error.message}`, FLOW_EXPRESSION_ERROR, {
        task,
        expression: error.expression.trim(),
        reason: error.reason,
      });
    }
    throw error;
  }
}
