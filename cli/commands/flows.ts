import { readFile } from 'node:fs/promises';
import { text as streamText } from 'node:stream/consumers';
import type { Command } from 'commander';
import { segment } from '../api-client';
import type {
  FlowIssue,
  FlowSummaryView,
  FlowVersionDetailView,
  FlowVersionView,
  Page,
  PublishView,
} from '../api-types';
import { ApiError, UsageError } from '../cli-errors';
import type { CommandContext, Define } from '../command-context';
import { EXIT, type ExitCode } from '../exit-codes';
import { fields, instant, table } from '../output/table';

/** A flow file's text and the media type the API reads it as (.json → JSON, anything else YAML). */
async function readFlowFile(path: string): Promise<{ content: string; contentType: string }> {
  try {
    const content = path === '-' ? await streamText(process.stdin) : await readFile(path, 'utf8');
    return { content, contentType: /\.json$/i.test(path) ? 'application/json' : 'application/yaml' };
  } catch (error) {
    throw new UsageError(`cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
}

function issueLine(file: string, issue: FlowIssue): string {
  const where = issue.line === undefined ? issue.path || '(document)' : `${issue.line}:${issue.column ?? 1}`;
  return `${file}:${where}: ${issue.rule}: ${issue.message}`;
}

/** The 400 of an invalid flow: every issue on stderr, one line each; other errors go to the usual handler. */
function issuesOf(error: unknown): FlowIssue[] | null {
  if (!(error instanceof ApiError) || error.status !== 400) return null;
  const issues = (error.problem as { issues?: FlowIssue[] } | null)?.issues;
  return Array.isArray(issues) ? issues : null;
}

async function postFlow(
  ctx: CommandContext,
  file: string,
  dryRun: boolean,
  invalidExit: ExitCode,
): Promise<ExitCode | void> {
  const text = await readFlowFile(file);
  try {
    const reply = await ctx.api.request<PublishView>('POST', '/v1/flows', {
      text,
      ...(dryRun ? { query: { dryRun: 'true' } } : {}),
    });
    ctx.out.emit(
      reply,
      (view) => publishText(view, dryRun),
      (view) => `${view.name}@${view.version}`,
    );
  } catch (error) {
    const issues = issuesOf(error);
    if (!issues) throw error;
    if ((error as ApiError).text && ctx.out.json) ctx.out.printJsonText((error as ApiError).text);
    for (const issue of issues) ctx.out.error(issueLine(file, issue));
    return invalidExit;
  }
}

function publishText(view: PublishView, dryRun: boolean): string {
  const id = `${view.name}@${view.version}`;
  if (view.outcome === 'created') return `Published ${id} (${view.workflowType}).`;
  if (view.outcome === 'unchanged')
    return dryRun
      ? `${id} is valid and already published with this content.`
      : `${id} is already published with this content; nothing changed.`;
  return `${id} is valid; not published (dry run).`;
}

function flowsTable(items: readonly FlowSummaryView[]): string {
  if (items.length === 0) return 'No flows.';
  return table(
    ['NAME', 'LATEST', 'STATUS', 'DEFAULT', 'VERSIONS', 'TITLE'],
    items.map((item) => [
      item.name,
      item.latestVersion,
      item.status,
      item.defaultVersion,
      String(item.versions),
      item.title,
    ]),
  );
}

function versionsTable(items: readonly FlowVersionView[]): string {
  return table(
    ['VERSION', 'STATUS', 'PUBLISHED (UTC)', 'BY'],
    items.map((item) => [item.version, item.status, instant(item.publishedAt), item.publishedBy]),
  );
}

function versionDetails(view: FlowVersionDetailView): string {
  return fields([
    ['Flow', `${view.name}@${view.version}`],
    ['Type', view.workflowType],
    ['Status', view.status],
    ['Title', view.title],
    ['Summary', view.summary],
    ['Namespace', view.description.namespace],
    ['Tasks', view.description.taskPaths.join(', ')],
    ['Published', `${instant(view.publishedAt)} by ${view.publishedBy}`],
    [
      'Status changed',
      view.statusChangedAt ? `${instant(view.statusChangedAt)} by ${view.statusChangedBy ?? ''}` : null,
    ],
    ['Content hash', view.contentHash],
  ]);
}

/** `junction flows …`: validate, publish, list and show Serverless Workflow flows. */
export function registerFlowsCommands(program: Command, define: Define): void {
  const flows = program.command('flows').description('declarative flows: validate, publish, list, show');

  flows
    .command('validate')
    .argument('<file>', 'a flow document (.yaml, .yml or .json), or - for stdin (YAML)')
    .description(
      'validate a flow against this deployment (its connector instances, jq) without publishing it; needs flows:read. Exit 1 and one line per issue when it is invalid',
    )
    .action(define(async (ctx, file: string) => postFlow(ctx, file, true, EXIT.NEGATIVE_OUTCOME)));

  flows
    .command('publish')
    .argument('<file>', 'a flow document (.yaml, .yml or .json), or - for stdin (YAML)')
    .description(
      'publish a flow version (idempotent for the same content; 409, exit 5, for other content); needs flows:write',
    )
    .action(define(async (ctx, file: string) => postFlow(ctx, file, false, EXIT.USAGE)));

  flows
    .command('list')
    .description('every flow: latest version, its status, the default version')
    .action(
      define(async (ctx) => {
        const reply = await ctx.api.get<Pick<Page<FlowSummaryView>, 'items'>>('/v1/flows');
        ctx.out.emit(
          reply,
          (body) => flowsTable(body.items),
          (body) => body.items.map((item) => item.name).join('\n'),
        );
      }),
    );

  flows
    .command('show')
    .argument('<name>')
    // Not --version: that is the program's own (it prints the CLI's version).
    .option('--flow-version <version>', 'one version in detail (default: list the versions)')
    .option('--source', 'with --flow-version: print the document as published')
    .description("a flow's versions, or one version in detail")
    .action(
      define(async (ctx, name: string, options: { flowVersion?: string; source?: boolean }) => {
        const base = `/v1/flows/${segment(name)}/versions`;
        if (!options.flowVersion) {
          const reply = await ctx.api.get<Pick<Page<FlowVersionView>, 'items'>>(base);
          ctx.out.emit(
            reply,
            (body) => versionsTable(body.items),
            (body) => body.items.map((item) => item.version).join('\n'),
          );
          return;
        }
        const reply = await ctx.api.get<FlowVersionDetailView>(`${base}/${segment(options.flowVersion)}`);
        ctx.out.emit(
          reply,
          (view) => (options.source ? view.source.trimEnd() : versionDetails(view)),
          (view) => view.status,
        );
      }),
    );
}
