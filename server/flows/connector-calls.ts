import type { ConnectorKind } from '../../connectors/spi';
import { CONNECTOR_ARGUMENT, CONNECTOR_FUNCTIONS } from './connector-functions';
import type { FlowIssue } from './flow-issue';
import { DSL_CALL_PROTOCOLS } from './supported-subset';
import { isJsonObject, pointer, type TaskNode } from './task-tree';

/** The configured connector instance names (`erp.main`, `erp.eu`) of each kind. */
export type ConnectorInstancesByKind = Readonly<Partial<Record<ConnectorKind, readonly string[]>>>;

/** A `call` that names a function rather than a DSL protocol. */
export function calledFunction(node: TaskNode): string | null {
  const call = node.task.call;
  return typeof call === 'string' && !(DSL_CALL_PROTOCOLS as readonly string[]).includes(call) ? call : null;
}

/** `call: <kind>.<operation>` against the catalog (connector-functions.ts) and the configured instances. */
export function connectorCallIssues(tasks: readonly TaskNode[], instances: ConnectorInstancesByKind): FlowIssue[] {
  const issues: FlowIssue[] = [];
  for (const node of tasks) {
    const name = calledFunction(node);
    if (name === null) continue;
    const issue = (path: string, rule: FlowIssue['rule'], message: string): void => {
      issues.push({ path: node.path + path, rule, task: node.path, message: `Task '${node.name}': ${message}` });
    };
    const fn = CONNECTOR_FUNCTIONS.get(name);
    if (!fn) {
      const kind = name.split('.', 1)[0] ?? '';
      const sameKind = [...CONNECTOR_FUNCTIONS.keys()].filter((known) => known.startsWith(kind + '.'));
      issue(
        pointer('call'),
        'unknown-function',
        `'${name}' is not a connector function; ` +
          (sameKind.length > 0
            ? `${kind} has ${sameKind.join(', ')}`
            : `functions are <kind>.<operation> with kind crm, erp, email or payment`),
      );
      continue;
    }
    const args = isJsonObject(node.task.with) ? node.task.with : {};
    const connector = args[CONNECTOR_ARGUMENT];
    const known = instances[fn.kind] ?? [];
    if (typeof connector !== 'string') {
      issue(
        pointer('with'),
        'unknown-connector',
        `with.connector must name the ${fn.kind} instance to call (configured: ${known.join(', ') || 'none'})`,
      );
    } else if (!known.includes(connector)) {
      issue(
        pointer('with', CONNECTOR_ARGUMENT),
        'unknown-connector',
        `'${connector}' is not a configured ${fn.kind} connector instance (configured: ${known.join(', ') || 'none'})`,
      );
    }
    const parameters = fn.parameters.map((parameter) => parameter.name);
    for (const parameter of fn.parameters) {
      if (parameter.required && !(parameter.name in args)) {
        issue(pointer('with'), 'function-arguments', `${name} needs with.${parameter.name}`);
      }
    }
    for (const key of Object.keys(args)) {
      if (key !== CONNECTOR_ARGUMENT && !parameters.includes(key)) {
        issue(
          pointer('with', key),
          'function-arguments',
          `${name} takes no '${key}'; it takes ${[CONNECTOR_ARGUMENT, ...parameters].join(', ')}`,
        );
      }
    }
  }
  return issues;
}
