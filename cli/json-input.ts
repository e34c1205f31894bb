import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { parse as parseYaml } from 'yaml';
import { UsageError } from './cli-errors';

async function readSource(source: string, what: string): Promise<{ content: string; path: string | null }> {
  if (source === '-') return { content: await text(process.stdin), path: null };
  if (source.startsWith('@')) {
    const path = source.slice(1);
    try {
      return { content: await readFile(path, 'utf8'), path };
    } catch (error) {
      throw new UsageError(
        `${what}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`,
      );
    }
  }
  return { content: source, path: null };
}

/**
 * A JSON value given on the command line: literal JSON, `@path` to a file, or `-` for stdin.
 * A file ending in .yaml/.yml is read as YAML (the format of config/schedules.yaml).
 */
export async function readJsonArgument(source: string, what: string): Promise<unknown> {
  const { content, path } = await readSource(source, what);
  if (path && /\.ya?ml$/i.test(path)) {
    try {
      return parseYaml(content) as unknown;
    } catch (error) {
      throw new UsageError(`${what}: ${path} is not valid YAML (${(error as Error).message.split('\n')[0]}).`);
    }
  }
  try {
    return JSON.parse(content) as unknown;
  } catch (error) {
    const where = path ?? (source === '-' ? 'stdin' : 'the argument');
    throw new UsageError(`${what}: ${where} is not valid JSON (${(error as Error).message}).`);
  }
}

/** `--file <path|->`: like readJsonArgument, without the `@`. */
export function readJsonFile(path: string, what: string): Promise<unknown> {
  return readJsonArgument(path === '-' ? '-' : `@${path}`, what);
}
