/**
 * The tasks of a flow document, each with its path in the DSL's own form: `/do/2/chargePayment`,
 * `/do/2/chargePayment/try/0/capture`. Walks every place DSL 1.0 nests a task list.
 */

export type JsonObject = Record<string, unknown>;

/** The DSL 1.0 task kinds: each task object has exactly one of these keys. */
export const TASK_KINDS = [
  'call',
  'do',
  'fork',
  'emit',
  'for',
  'listen',
  'raise',
  'run',
  'set',
  'switch',
  'try',
  'wait',
] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

export interface TaskNode {
  /** JSON pointer of the task: `/do/0/reserve/do/1/charge`. */
  path: string;
  name: string;
  task: JsonObject;
  kind: TaskKind | null;
  /** 1 for a top-level task. */
  depth: number;
  /** Names of the tasks in the same list (for `then` targets). */
  siblings: readonly string[];
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 6901 escaping, as ajv writes instance paths. */
export function pointer(...segments: (string | number)[]): string {
  return segments.map((segment) => '/' + String(segment).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** A `for` task also has `do` (its body), so `do` identifies a task only when no other kind key does. */
export function kindOf(task: JsonObject): TaskKind | null {
  return TASK_KINDS.find((kind) => kind !== 'do' && kind in task) ?? ('do' in task ? 'do' : null);
}

/** The task lists directly inside a task, with their paths relative to it. */
function childLists(task: JsonObject, kind: TaskKind | null): { path: string; list: unknown }[] {
  switch (kind) {
    case 'do':
    case 'for':
      return [{ path: pointer('do'), list: task.do }];
    case 'try': {
      const handler = isJsonObject(task.catch) ? task.catch : {};
      return [
        { path: pointer('try'), list: task.try },
        { path: pointer('catch', 'do'), list: handler.do },
      ];
    }
    case 'fork': {
      const fork = isJsonObject(task.fork) ? task.fork : {};
      return [{ path: pointer('fork', 'branches'), list: fork.branches }];
    }
    case 'listen': {
      const each = isJsonObject(task.foreach) ? task.foreach : {};
      return [{ path: pointer('foreach', 'do'), list: each.do }];
    }
    default:
      return [];
  }
}

/** Every task of the document, parents before their children, in document order. */
export function flowTasks(document: JsonObject): TaskNode[] {
  const tasks: TaskNode[] = [];
  const visitList = (list: unknown, listPath: string, depth: number): void => {
    if (!Array.isArray(list)) return;
    const items = list.filter(isJsonObject).map((item) => Object.entries(item)[0]);
    const siblings = items.filter((entry) => entry !== undefined).map(([name]) => name);
    list.forEach((item: unknown, index) => {
      if (!isJsonObject(item)) return;
      for (const [name, task] of Object.entries(item)) {
        if (!isJsonObject(task)) continue;
        const path = listPath + pointer(index, name);
        const kind = kindOf(task);
        tasks.push({ path, name, task, kind, depth, siblings });
        for (const child of childLists(task, kind)) visitList(child.list, path + child.path, depth + 1);
      }
    });
  };
  visitList(document.do, pointer('do'), 1);
  return tasks;
}

/** The innermost task whose path `path` is in, if any. */
export function enclosingTask(tasks: readonly TaskNode[], path: string): TaskNode | undefined {
  let found: TaskNode | undefined;
  for (const node of tasks) {
    if ((path === node.path || path.startsWith(node.path + '/')) && (!found || node.path.length > found.path.length)) {
      found = node;
    }
  }
  return found;
}
