import type { FlowIssue } from './flow-issue';
import { MAX_FLOW_DOCUMENT_BYTES, MAX_FLOW_NESTING_DEPTH, MAX_FLOW_TASKS } from './flow-limits';
import type { JsonObject, TaskNode } from './task-tree';

/** The document's size as canonical JSON, the form it is stored and run in. */
export function documentSizeIssues(document: JsonObject): FlowIssue[] {
  const bytes = Buffer.byteLength(JSON.stringify(document), 'utf8');
  if (bytes <= MAX_FLOW_DOCUMENT_BYTES) return [];
  return [
    {
      path: '',
      rule: 'limit-document-size',
      message: `The flow is ${bytes} bytes as JSON; at most ${MAX_FLOW_DOCUMENT_BYTES} are allowed`,
    },
  ];
}

export function taskLimitIssues(tasks: readonly TaskNode[]): FlowIssue[] {
  const issues: FlowIssue[] = [];
  const excess = tasks[MAX_FLOW_TASKS];
  if (excess) {
    issues.push({
      path: '',
      rule: 'limit-tasks',
      message: `The flow has ${tasks.length} tasks; at most ${MAX_FLOW_TASKS} are allowed (split it with run: workflow)`,
    });
  }
  // One issue per task that first goes too deep, not one per task below it.
  for (const node of tasks) {
    if (node.depth !== MAX_FLOW_NESTING_DEPTH + 1) continue;
    issues.push({
      path: node.path,
      rule: 'limit-nesting-depth',
      task: node.path,
      message: `Task '${node.name}' is nested ${node.depth} deep; at most ${MAX_FLOW_NESTING_DEPTH} levels are allowed`,
    });
  }
  return issues;
}
