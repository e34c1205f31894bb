import type { z } from 'zod';
import type { FieldError } from './app-error';

/** `['customer', 'email']` under `input` → `input.customer.email`; array indexes as `lines[0]`. */
export function fieldPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out || '(body)';
}

/** One field error per zod issue, each naming the offending field from `root`. */
export function fieldErrorsOf(error: z.ZodError, root = ''): FieldError[] {
  return error.issues.flatMap((issue) => {
    // A strict object reports extra keys on the object; name each key so the caller can find it.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: fieldPath(root, [...issue.path, key]),
        message: 'is not allowed here',
      }));
    }
    return [{ field: fieldPath(root, issue.path), message: issue.message }];
  });
}
