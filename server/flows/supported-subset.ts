import type { FlowIssue } from './flow-issue';
import { isJsonObject, pointer, type JsonObject, type TaskNode } from './task-tree';

/** `call` values the DSL itself defines; any other value names a function (connector-calls.ts). */
export const DSL_CALL_PROTOCOLS = ['http', 'grpc', 'openapi', 'asyncapi', 'a2a', 'mcp'] as const;

const SUPPORTED =
  'Junction runs call (http and connector functions), set, switch, for, fork, do, try, wait, listen, raise and run: workflow';

/**
 * The part of DSL 1.0 Junction runs. The rest is valid DSL that this engine refuses at publish
 * time rather than fail on at run time.
 */
export function unsupportedIssues(document: JsonObject, tasks: readonly TaskNode[]): FlowIssue[] {
  const issues: FlowIssue[] = [];
  for (const node of tasks) {
    const unsupported = unsupportedFeature(node.task);
    if (unsupported) {
      issues.push({
        path: node.path,
        rule: 'unsupported',
        task: node.path,
        message: `Task '${node.name}' uses ${unsupported}, which Junction does not support. ${SUPPORTED}.`,
      });
    }
  }
  const use = isJsonObject(document.use) ? document.use : {};
  for (const [section, why] of [
    ['functions', 'call a connector function (<kind>.<operation>) or http directly'],
    ['catalogs', 'call a connector function (<kind>.<operation>) or http directly'],
    ['extensions', 'extensions are not supported'],
    ['errors', 'write the error in the raise task'],
    ['retries', 'write the retry policy in the catch'],
    ['timeouts', 'write the timeout in the listen task'],
    ['secrets', 'credentials live in connector instances, never in a flow'],
  ] as const) {
    if (section in use) {
      issues.push({
        path: pointer('use', section),
        rule: 'unsupported',
        message: `use.${section} is not supported: ${why}`,
      });
    }
  }
  if ('timeout' in document) {
    issues.push({
      path: pointer('timeout'),
      rule: 'unsupported',
      message:
        'A flow-wide timeout is not supported: give listen tasks their timeout, and cancel a run through the API',
    });
  }
  if (isJsonObject(document.output) && 'schema' in document.output) {
    issues.push({
      path: pointer('output', 'schema'),
      rule: 'unsupported',
      message: 'output.schema is not checked by Junction; shape the output with output.as',
    });
  }
  if ('schedule' in document) {
    issues.push({
      path: pointer('schedule'),
      rule: 'unsupported',
      message: 'schedule is not supported in a flow: schedule runs with Junction schedules (config/schedules.yaml)',
    });
  }
  for (const section of ['input', 'output'] as const) {
    const schema = isJsonObject(document[section]) ? document[section].schema : undefined;
    if (!isJsonObject(schema)) continue;
    if ('resource' in schema) {
      issues.push({
        path: pointer(section, 'schema', 'resource'),
        rule: 'unsupported',
        message: `${section}.schema must be inline (schema.document): Junction does not fetch external schemas`,
      });
    } else if (schema.format !== undefined && schema.format !== 'json') {
      issues.push({
        path: pointer(section, 'schema', 'format'),
        rule: 'unsupported',
        message: `${section}.schema.format must be json (JSON Schema)`,
      });
    }
  }
  return issues;
}

/** Valid DSL that the interpreter would otherwise ignore: refused, so no flow relies on it silently. */
function ignoredFeature(task: JsonObject): string | null {
  if ('timeout' in task && !('listen' in task)) return 'timeout outside a listen task';
  if (isJsonObject(task.input) && 'schema' in task.input) return 'a task input.schema';
  if (isJsonObject(task.output) && 'schema' in task.output) return 'output.schema';
  if (isJsonObject(task.listen)) {
    if ('foreach' in task) return 'foreach on a listen task';
    if (task.listen.read === 'raw') return 'listen.read: raw (read data or envelope)';
    if (isJsonObject(task.listen.to) && 'until' in task.listen.to) return 'listen.to.until';
  }
  if (isJsonObject(task.raise) && typeof task.raise.error === 'string' && !/^\s*\$\{/.test(task.raise.error)) {
    return 'raise.error naming a use.errors entry (write the error, or an expression)';
  }
  const handler = isJsonObject(task.catch) ? task.catch : null;
  if (handler && typeof handler.retry === 'string') return 'catch.retry naming a use.retries entry (write the policy)';
  if (handler && isJsonObject(handler.retry)) {
    const retry = handler.retry;
    const limit = isJsonObject(retry.limit) ? retry.limit : {};
    const attempt = isJsonObject(limit.attempt) ? limit.attempt : {};
    if ('when' in retry || 'exceptWhen' in retry) return 'catch.retry.when / exceptWhen (filter in catch instead)';
    if ('jitter' in retry) return 'catch.retry.jitter';
    if ('duration' in limit || 'duration' in attempt)
      return 'a catch.retry duration limit (limit.attempt.count is supported)';
  }
  return null;
}

function unsupportedFeature(task: JsonObject): string | null {
  const ignored = ignoredFeature(task);
  if (ignored) return ignored;
  if ('emit' in task) return 'emit';
  if (isJsonObject(task.run)) {
    const process = ['container', 'script', 'shell'].find((key) => key in (task.run as JsonObject));
    if (process) return `run: ${process}`;
  }
  if (
    typeof task.call === 'string' &&
    task.call !== 'http' &&
    (DSL_CALL_PROTOCOLS as readonly string[]).includes(task.call)
  ) {
    return `call: ${task.call}`;
  }
  return null;
}
