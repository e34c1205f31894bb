import { ApplicationFailure } from '@temporalio/common';
import type { ConnectorResolver, HttpCallRequest } from '../../connectors/spi';
import { evaluateTemplates } from '../../server/flows/jq/evaluate-templates';
import type { JqRuntime } from '../../server/flows/jq/jq-runtime';
import { FLOW_ARGUMENTS_ERROR } from '../../workflows/flow/flow-failure-types';
import { expandHttpPath, httpCallMethod, parseHttpEndpoint } from '../../workflows/flow/http-endpoint';
import { callConnector } from '../connector-failure';
import type { FlowScope } from './flow-activity.types';
import { withExpressionFailures } from './flow-failures';

type JsonObject = Record<string, unknown>;

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function argumentsFailure(task: string, problem: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`Task ${task}: ${problem}`, FLOW_ARGUMENTS_ERROR);
}

/** jq gives any JSON; HTTP headers and query parameters are text. */
function asText(values: unknown, what: string, task: string): Record<string, string> | undefined {
  if (values === undefined || values === null) return undefined;
  if (!isJsonObject(values)) throw argumentsFailure(task, `${what} must be an object`);
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value)]),
  );
}

/**
 * A flow's `call: http` (docs/connectors.md, "Generic HTTP"): the endpoint names an http connector
 * instance and a path whose `{variables}` come from the task input; headers, query and body are
 * evaluated; the call goes through the instance (base URL, auth, rate limit, breaker, egress rules)
 * with the task's idempotency key. `output: content` (default) gives the body, `response` the whole
 * response.
 */
export async function callFlowHttp(
  jq: JqRuntime,
  connectors: ConnectorResolver,
  task: string,
  withArguments: JsonObject,
  scope: FlowScope,
  idempotencyKey: string,
): Promise<unknown> {
  const parsed = parseHttpEndpoint(withArguments.endpoint);
  if (!parsed.ok) throw argumentsFailure(task, parsed.problem);
  const method = httpCallMethod(withArguments.method);
  if (!method) throw argumentsFailure(task, `with.method must be get, post, put, patch or delete`);
  let path: string;
  try {
    path = expandHttpPath(parsed.endpoint.pathTemplate, scope.input);
  } catch (error) {
    throw argumentsFailure(task, error instanceof Error ? error.message : String(error));
  }
  const [headers, query, body] = withExpressionFailures(task, () =>
    evaluateTemplates(
      jq,
      [withArguments.headers ?? null, withArguments.query ?? null, withArguments.body ?? null],
      scope,
    ),
  );
  const request: HttpCallRequest = {
    method,
    path,
    ...(asText(headers, 'with.headers', task) ? { headers: asText(headers, 'with.headers', task) } : {}),
    ...(asText(query, 'with.query', task) ? { query: asText(query, 'with.query', task) } : {}),
    ...(withArguments.body === undefined ? {} : { body }),
  };
  const response = await callConnector(() =>
    connectors.resolve('http', parsed.endpoint.connector).request(request, { idempotencyKey }),
  );
  return withArguments.output === 'response' ? response : response.body;
}
