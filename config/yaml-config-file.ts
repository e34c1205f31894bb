/**
 * Reading an operator's YAML configuration file (event sources, approval policies) against its zod
 * schema: every problem names the file and the field (`policies.default.thresholds.EUR: …`), never
 * a value, and a bad file is a ConfigError (exit 78 at start-up).
 */
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from './index';

/** `policies.default.approvers[1].email`, as the file is written. */
export function configPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path)
    out += typeof segment === 'number' ? `[${segment}]` : out ? `.${String(segment)}` : String(segment);
  return out;
}

/** One message per issue; an unknown key is named itself. */
export function configProblemsOf(error: z.ZodError): string[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => `${configPath([...issue.path, key])}: is not allowed here`);
    if (issue.code === 'invalid_key')
      return [`${configPath(issue.path)}: ${issue.issues[0]?.message ?? issue.message}`];
    return [`${configPath(issue.path) || '(file)'}: ${issue.message}`];
  });
}

/** The file's text parsed and checked; throws a ConfigError whose problems start with `source: `. */
export function parseYamlConfig<Schema extends z.ZodType>(
  text: string,
  schema: Schema,
  source: string,
): z.infer<Schema> {
  const fail = (problems: readonly string[]) => new ConfigError(problems.map((problem) => `${source}: ${problem}`));
  let raw: unknown;
  try {
    // prettyErrors off: the excerpt it adds would quote a line of the file, which may hold a secret.
    raw = parseYaml(text, { prettyErrors: false }) ?? {};
  } catch (error) {
    throw fail([`not valid YAML: ${error instanceof Error ? error.message : String(error)}`]);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw fail(configProblemsOf(parsed.error));
  return parsed.data;
}
