import type { FlowIssue } from './flow-issue';
import { isJsonObject, pointer, type TaskNode } from './task-tree';

const FLOW_DIRECTIVES = ['continue', 'exit', 'end'];

/**
 * A task's `then`, and each `switch` case's, is a flow directive or the name of a task in the same
 * task list (the DSL moves only within a list); the schema cannot check names, so this does.
 */
export function thenTargetIssues(tasks: readonly TaskNode[]): FlowIssue[] {
  const issues: FlowIssue[] = [];
  for (const node of tasks) {
    const targets: { path: string; then: unknown }[] = [{ path: pointer('then'), then: node.task.then }];
    if (node.kind === 'switch' && Array.isArray(node.task.switch)) {
      node.task.switch.forEach((item: unknown, index) => {
        if (!isJsonObject(item)) return;
        for (const [caseName, body] of Object.entries(item)) {
          if (isJsonObject(body)) targets.push({ path: pointer('switch', index, caseName, 'then'), then: body.then });
        }
      });
    }
    for (const { path, then } of targets) {
      if (typeof then !== 'string' || FLOW_DIRECTIVES.includes(then) || node.siblings.includes(then)) continue;
      issues.push({
        path: node.path + path,
        rule: 'unknown-then',
        task: node.path,
        message: `Task '${node.name}': then '${then}' is neither continue, exit, end nor a task of the same list (${node.siblings.join(', ')})`,
      });
    }
  }
  return issues;
}
