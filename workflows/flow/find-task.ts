import { isJsonObject, type JsonObject } from './task-types';

/** The task lists directly inside a task, with their paths relative to it (as server/flows/task-tree.ts walks them). */
function nestedLists(task: JsonObject): { path: string; list: unknown }[] {
  const handler = isJsonObject(task.catch) ? task.catch : {};
  const fork = isJsonObject(task.fork) ? task.fork : {};
  return [
    { path: '/do', list: task.do },
    { path: '/try', list: task.try },
    { path: '/catch/do', list: handler.do },
    { path: '/fork/branches', list: fork.branches },
  ];
}

/** The first task named `name` anywhere in a task list (do, for, try, catch, fork), depth first, with its document path. */
export function findTask(
  list: unknown,
  listPath: string,
  name: string,
): { name: string; task: JsonObject; path: string } | null {
  if (!Array.isArray(list)) return null;
  for (const [index, item] of list.entries()) {
    if (!isJsonObject(item)) continue;
    for (const [taskName, task] of Object.entries(item)) {
      if (!isJsonObject(task)) continue;
      const path = `${listPath}/${index}/${taskName}`;
      if (taskName === name) return { name, task, path };
      for (const nested of nestedLists(task)) {
        const found = findTask(nested.list, path + nested.path, name);
        if (found) return found;
      }
    }
  }
  return null;
}
