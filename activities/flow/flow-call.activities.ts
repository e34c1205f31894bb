import { ApplicationFailure } from '@temporalio/common';
import type { ConnectorResolver } from '../../connectors/spi';
import {
  CONNECTOR_ARGUMENT,
  CONNECTOR_FUNCTIONS,
  type ConnectorFunction,
} from '../../server/flows/connector-functions';
import { evaluateTemplate, FlowExpressionError } from '../../server/flows/jq/evaluate-templates';
import { loadJq, type JqRuntime } from '../../server/flows/jq/jq-runtime';
import { callConnector } from '../connector-failure';
import { callFlowHttp } from './flow-http-call';
import type { CallFlowFunctionRequest, FlowTaskOutput } from './flow-activity.types';
import { FLOW_ARGUMENTS_ERROR, withExpressionFailures } from './flow-failures';
import { applyTaskOutput } from './task-output';

/** An SPI operation called by name: the catalog (connector-functions.ts) says which exist and their parameters. */
type Operation = (...args: unknown[]) => Promise<unknown>;

/**
 * A flow's `call: <kind>.<operation>` task in one activity: its arguments are evaluated here (so a
 * call costs no extra history events for its expressions), the connector is called with the
 * task's idempotency key on writes, and `output.as` / `export.as` are applied to the result.
 * Connector errors become the same failures as in the code processes (connector-failure.ts).
 */
export function createFlowCallActivities(connectors: ConnectorResolver) {
  return {
    async callFlowFunction(request: CallFlowFunctionRequest): Promise<FlowTaskOutput> {
      const { task, scope, idempotencyKey } = request;
      if (request.function === 'http') {
        const jq = await loadJq();
        const raw = await callFlowHttp(jq, connectors, task, request.arguments, scope, idempotencyKey);
        return outputOf(jq, request, raw);
      }
      const fn = CONNECTOR_FUNCTIONS.get(request.function);
      const instance = request.arguments[CONNECTOR_ARGUMENT];
      if (!fn || typeof instance !== 'string') {
        throw ApplicationFailure.nonRetryable(
          `Task ${task}: ${request.function} is no connector function, or with.connector names no instance`,
          FLOW_ARGUMENTS_ERROR,
        );
      }
      const jq = await loadJq();
      const argumentValues = withExpressionFailures(task, () =>
        evaluateTemplate(jq, argumentsOf(fn, request.arguments), scope),
      ) as unknown[];
      const args = fn.sideEffecting ? [...argumentValues, { idempotencyKey }] : argumentValues;
      // Resolved inside callConnector: an unknown or misconfigured instance fails at once (CONNECTOR_MISCONFIGURED).
      const raw = await callConnector(() => {
        const connector = connectors.resolve(fn.kind, instance) as unknown as Record<string, Operation>;
        const operation = connector[fn.operation];
        if (typeof operation !== 'function') {
          throw ApplicationFailure.nonRetryable(
            `Task ${task}: connector ${instance} does not offer ${fn.operation}`,
            FLOW_ARGUMENTS_ERROR,
          );
        }
        return operation.apply(connector, args);
      });
      return outputOf(jq, request, raw);
    },
  };
}

/** The SPI method's positional arguments, in the catalog's order; an absent optional one is null. */
function argumentsOf(fn: ConnectorFunction, withArguments: Record<string, unknown>): unknown[] {
  return fn.parameters.map((parameter) => withArguments[parameter.name] ?? null);
}

/** output.as / export.as of a call that happened: an expression failure is reported, not thrown (see FlowTaskOutput). */
function outputOf(jq: JqRuntime, request: CallFlowFunctionRequest, raw: unknown): FlowTaskOutput {
  try {
    return applyTaskOutput(jq, { ...request, raw });
  } catch (error) {
    if (error instanceof FlowExpressionError)
      return { output: raw, outputFailure: `Task ${request.task}: ${error.message}` };
    throw error;
  }
}
