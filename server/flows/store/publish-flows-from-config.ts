/**
 * Start-up publishing of config/flows/: every `*.yaml`, `*.yml` and `*.json` file there is one flow
 * version, published as POST /v1/flows would (actor `config:<file>`). The API role runs it before
 * schedules and event sources are resolved, so they may name the flows. Idempotent: a version
 * already published with the same content changes nothing, so every replica may run it. A file
 * that is invalid, or whose name@version is published with other content, fails start-up with a
 * message naming the file.
 */
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative, resolve } from 'node:path';
import { AppError } from '../../errors/app-error';
import type { FlowIssue } from '../flow-issue';
import type { FlowsService } from './flows.service';

/** config/flows of this checkout. */
export const DEFAULT_FLOWS_DIR = resolve(__dirname, '../../../config/flows');

const MEDIA_TYPES: Readonly<Record<string, string>> = {
  '.yaml': 'application/yaml',
  '.yml': 'application/yaml',
  '.json': 'application/json',
};

export class FlowsFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`Flow file ${file} cannot be published:\n  ${problems.join('\n  ')}`);
    this.name = 'FlowsFileError';
  }
}

export interface FlowsFolderReport {
  /** `name@version` per file, by outcome. */
  published: string[];
  unchanged: string[];
}

function problemsOf(error: AppError): string[] {
  const issues = error.extensions.issues as FlowIssue[] | undefined;
  if (!issues) return [error.detail];
  return issues.map((issue) => {
    const at =
      issue.line === undefined ? issue.path || '(document)' : `line ${issue.line}, column ${issue.column ?? 1}`;
    return `${at}: ${issue.rule}: ${issue.message}`;
  });
}

/** Publishes every flow file of `dir` (absent folder: nothing to do), in file name order. */
export async function publishFlowsFromConfig(
  flows: FlowsService,
  dir: string = DEFAULT_FLOWS_DIR,
): Promise<FlowsFolderReport> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { published: [], unchanged: [] };
    throw error;
  }
  const report: FlowsFolderReport = { published: [], unchanged: [] };
  for (const name of names.sort()) {
    const mediaType = MEDIA_TYPES[extname(name).toLowerCase()];
    if (!mediaType) continue;
    const path = join(dir, name);
    const shown = relative(process.cwd(), path) || path;
    try {
      const outcome = await flows.publish({
        text: await readFile(path, 'utf8'),
        mediaType,
        actor: `config:${shown}`,
      });
      (outcome.outcome === 'created' ? report.published : report.unchanged).push(`${outcome.name}@${outcome.version}`);
    } catch (error) {
      if (error instanceof AppError) throw new FlowsFileError(shown, problemsOf(error));
      throw error;
    }
  }
  return report;
}
