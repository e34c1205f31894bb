import { isRuntimeExpression } from '../../workflows/flow/runtime-expressions';
import { calledFunction } from './connector-calls';
import { CONNECTOR_FUNCTIONS } from './connector-functions';
import type { FlowIssue } from './flow-issue';
import { MAX_FOR_CONCURRENCY } from './flow-limits';
import { isJsonObject, pointer, type JsonObject, type TaskNode } from './task-tree';

/**
 * Junction's extensions to the Serverless Workflow DSL 1.0. Each lives where the DSL allows free-form
 * data (a `metadata` object), so a Junction flow stays a valid DSL document:
 *
 * - `document.metadata.junction.businessKey`: a runtime expression `${ … }` over the flow's input
 *   that yields the run's business key (e.g. `${ .order.id }`): runs are found by it and one run per
 *   key may be open at a time. Optional.
 *
 * - `metadata.compensate` on a task that calls a side-effecting connector function: the name of the
 *   task that undoes it (e.g. on `authorizePayment`, `voidPayment`, which calls
 *   `payment.voidAuthorization`). The named task must exist in the same flow, be the only task of
 *   that name, and call a connector function; when the catalog (connector-functions.ts) lists the
 *   operations that undo the compensated one, it must call one of those. When a later task fails
 *   the run, the interpreter runs the compensations of the completed tasks, newest first.
 *
 * - `metadata.concurrency` on a `for` task: how many iterations run at once, an integer from 1 to
 *   MAX_FOR_CONCURRENCY (flow-limits.ts). Absent, iterations run one after another, as in the DSL.
 */
export function extensionIssues(document: JsonObject, tasks: readonly TaskNode[]): FlowIssue[] {
  return [...businessKeyIssues(document), ...compensateIssues(tasks), ...concurrencyIssues(tasks)];
}

export const BUSINESS_KEY_PATH = pointer('document', 'metadata', 'junction', 'businessKey');

/** `document.metadata.junction.businessKey` as written (undefined when the flow declares none). */
export function declaredBusinessKey(document: JsonObject): unknown {
  const metadata = isJsonObject(document.document) ? document.document.metadata : undefined;
  const junction = isJsonObject(metadata) ? metadata.junction : undefined;
  return isJsonObject(junction) ? junction.businessKey : undefined;
}

function businessKeyIssues(document: JsonObject): FlowIssue[] {
  const businessKey = declaredBusinessKey(document);
  if (businessKey === undefined || isRuntimeExpression(businessKey)) return [];
  return [
    {
      path: BUSINESS_KEY_PATH,
      rule: 'business-key',
      message: 'businessKey must be a runtime expression over the input, e.g. ${ .order.id }',
    },
  ];
}

function taskMetadata(node: TaskNode): JsonObject {
  return isJsonObject(node.task.metadata) ? node.task.metadata : {};
}

function compensateIssues(tasks: readonly TaskNode[]): FlowIssue[] {
  const issues: FlowIssue[] = [];
  for (const node of tasks) {
    const metadata = taskMetadata(node);
    if (!('compensate' in metadata)) continue;
    const issue = (message: string): void => {
      issues.push({
        path: node.path + pointer('metadata', 'compensate'),
        rule: 'compensate',
        task: node.path,
        message: `Task '${node.name}': ${message}`,
      });
    };
    const target = metadata.compensate;
    const compensated = CONNECTOR_FUNCTIONS.get(calledFunction(node) ?? '');
    if (!compensated?.sideEffecting) {
      issue('metadata.compensate belongs on a task that calls a side-effecting connector function');
      continue;
    }
    if (typeof target !== 'string' || target === node.name) {
      issue('metadata.compensate must name another task of this flow');
      continue;
    }
    const named = tasks.filter((candidate) => candidate.name === target);
    const [compensation] = named;
    if (!compensation) {
      issue(`metadata.compensate names '${target}', which is no task of this flow`);
      continue;
    }
    if (named.length > 1) {
      issue(`metadata.compensate names '${target}', which ${named.length} tasks are called; rename all but one`);
      continue;
    }
    const undo = calledFunction(compensation);
    if (undo === null || !CONNECTOR_FUNCTIONS.has(undo)) {
      issue(`metadata.compensate names '${target}', which calls no connector function`);
    } else if (compensated.compensatedBy.length > 0 && !compensated.compensatedBy.includes(undo)) {
      issue(
        `'${target}' calls ${undo}, which does not undo ${compensated.kind}.${compensated.operation}; ` +
          `call ${compensated.compensatedBy.join(' or ')}`,
      );
    }
  }
  return issues;
}

function concurrencyIssues(tasks: readonly TaskNode[]): FlowIssue[] {
  const issues: FlowIssue[] = [];
  for (const node of tasks) {
    const metadata = taskMetadata(node);
    if (!('concurrency' in metadata)) continue;
    const path = node.path + pointer('metadata', 'concurrency');
    const value = metadata.concurrency;
    if (node.kind !== 'for') {
      issues.push({
        path,
        rule: 'concurrency',
        task: node.path,
        message: `Task '${node.name}': metadata.concurrency belongs on a for task`,
      });
    } else if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      issues.push({
        path,
        rule: 'concurrency',
        task: node.path,
        message: `Task '${node.name}': metadata.concurrency must be a whole number from 1 to ${MAX_FOR_CONCURRENCY}`,
      });
    } else if (value > 1 && 'while' in node.task) {
      issues.push({
        path,
        rule: 'concurrency',
        task: node.path,
        message: `Task '${node.name}': while needs iterations one after another; drop it or metadata.concurrency`,
      });
    } else if (value > MAX_FOR_CONCURRENCY) {
      issues.push({
        path,
        rule: 'limit-for-concurrency',
        task: node.path,
        message: `Task '${node.name}': metadata.concurrency is ${value}; at most ${MAX_FOR_CONCURRENCY} iterations may run at once`,
      });
    }
  }
  return issues;
}
