import { PROCESS_CATALOG } from '../../workflows/catalog';
import { CATALOG_NAMESPACE } from '../../workflows/flow/flow-run.types';
import type { FlowIssue } from './flow-issue';
import { isJsonObject, pointer, type TaskNode } from './task-tree';

/**
 * `run: workflow` with namespace `junction` names a code process: it must be one of the catalog.
 * A sub-flow (any other namespace) is looked up when the task runs: a flow may be published
 * after the flows that call it.
 */
export function runWorkflowIssues(tasks: readonly TaskNode[]): FlowIssue[] {
  const issues: FlowIssue[] = [];
  const types = PROCESS_CATALOG.map((process) => process.type);
  for (const node of tasks) {
    const run = isJsonObject(node.task.run) ? node.task.run : null;
    const workflow = run && isJsonObject(run.workflow) ? run.workflow : null;
    if (!workflow || workflow.namespace !== CATALOG_NAMESPACE) continue;
    if (typeof workflow.name === 'string' && types.includes(workflow.name)) continue;
    issues.push({
      path: node.path + pointer('run', 'workflow', 'name'),
      rule: 'unknown-process',
      task: node.path,
      message: `Task '${node.name}': '${String(workflow.name)}' is no process of the catalog (namespace ${CATALOG_NAMESPACE}: ${types.join(', ')})`,
    });
  }
  return issues;
}
