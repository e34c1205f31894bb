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
  ] as const) {
    if (section in use) {
      issues.push({
        path: pointer('use', section),
        rule: 'unsupported',
        message: `use.${section} is not supported: ${why}`,
      });
    }
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

function unsupportedFeature(task: JsonObject): string | null {
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
