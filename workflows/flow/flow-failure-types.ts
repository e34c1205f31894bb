/**
 * Failure types of flow runs, shared by the interpreter and the activities (pure constants).
 * ApplicationFailure `type`s: what the Web UI and GET /v1/runs/{id} show.
 */

/** A runtime expression failed on its data (jq's message names why). Never retried. */
export const FLOW_EXPRESSION_ERROR = 'FlowExpressionError';

/** A task's arguments do not fit the function it calls. Never retried. */
export const FLOW_ARGUMENTS_ERROR = 'FlowArgumentsError';

/** A `raise` task, or an error the interpreter reports in DSL form; details[0] is the DSL error. */
export const FLOW_RAISED_ERROR = 'FlowRaisedError';

/** The run failed: an error no `try` caught, after the compensations ran. details[0]: { task, error }. */
export const FLOW_FAILED = 'FlowFailed';
