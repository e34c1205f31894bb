import { Option, type Command } from 'commander';
import { segment } from '../api-client';
import type { MessageReply, RunSummary, RunView, StartedRunReply } from '../api-types';
import type { Define } from '../command-context';
import { readJsonArgument } from '../json-input';
import { parseMilliseconds, parseSeconds } from '../option-parsers';
import { runDetails, runsTable } from '../output/run-render';
import { fetchPages, withPagingOptions, type PagingOptions } from './pages';
import { waitForRun, type WaitOptions } from './run-wait';
import { registerRunResetCommand } from './run-reset';

function waitOptions(command: Command): Command {
  return command
    .option('--timeout <seconds>', 'stop waiting after this long (exit code 8; the run goes on)', parseSeconds)
    .addOption(
      new Option('--poll-interval <ms>', 'how often to ask for progress').argParser(parseMilliseconds).default(1000),
    );
}

function pretty(value: unknown): string {
  return value === undefined ? '(no result)' : JSON.stringify(value, null, 2);
}

/** `junction runs …`: start, list, show, watch, signal, update, query and cancel runs. */
export function registerRunsCommands(program: Command, define: Define): void {
  const runs = program.command('runs').description('start, find, follow and steer process runs');

  waitOptions(
    runs
      .command('start')
      .description('start a run of a catalog process (`junction workflows list`); prints its workflow id')
      .argument('<type>', 'the process type, e.g. orderToCash')
      .requiredOption('-i, --input <json>', 'the input: JSON, @file.json, or - for stdin')
      .option('--business-key <key>', 'refuse the start unless the input derives this business key')
      .option(
        '--flow-version <version>',
        'flows (flow:<name>) only: the version to start; default the newest published',
      )
      .option('--idempotency-key <key>', 'sent as the Idempotency-Key header (recorded in the audit log)')
      .option('-w, --wait', 'follow the run until it closes; exit code 0 only if it COMPLETED'),
  ).action(
    define(
      async (
        ctx,
        type: string,
        options: {
          input: string;
          businessKey?: string;
          flowVersion?: string;
          idempotencyKey?: string;
          wait?: boolean;
        } & WaitOptions,
      ) => {
        const input = await readJsonArgument(options.input, '--input');
        const body = {
          type,
          input,
          ...(options.businessKey ? { businessKey: options.businessKey } : {}),
          ...(options.flowVersion ? { version: options.flowVersion } : {}),
        };
        const started = await ctx.api.post<StartedRunReply>(
          '/v1/runs',
          body,
          options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : undefined,
        );
        const { workflowId, runId, existing } = started.body;
        if (!options.wait) {
          ctx.out.emit(
            started,
            (reply) => reply.workflowId,
            (reply) => reply.workflowId,
          );
          ctx.out.notice(
            existing
              ? `${workflowId} already exists (run ${runId}); nothing new was started.`
              : `Started ${type} ${workflowId} (run ${runId}).`,
          );
          return;
        }
        if (!ctx.out.json) ctx.out.print(workflowId);
        ctx.out.notice(
          existing
            ? `${workflowId} already exists (run ${runId}); following it.`
            : `Started ${type} ${workflowId} (run ${runId}); following it.`,
        );
        return waitForRun(ctx, workflowId, options);
      },
    ),
  );

  withPagingOptions(
    runs
      .command('list')
      .description('list runs, newest first')
      .option('-t, --type <type>', 'only runs of this process type')
      .option(
        '-s, --status <status>',
        'only runs in this status: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT …',
      )
      .option('-b, --business-key <key>', 'only runs with this business key'),
    20,
  ).action(
    define(async (ctx, options: { type?: string; status?: string; businessKey?: string } & PagingOptions) => {
      const filters = { type: options.type, status: options.status, businessKey: options.businessKey };
      const listing = await fetchPages<RunSummary>(ctx.api, '/v1/runs', filters, options);
      listing.emit(ctx.out, runsTable, (run) => run.workflowId);
    }),
  );

  runs
    .command('show')
    .description('a run: status, progress, result or failure chain')
    .argument('<workflowId>')
    .action(
      define(async (ctx, workflowId: string) => {
        ctx.out.emit(await ctx.api.get<RunView>(`/v1/runs/${segment(workflowId)}`), runDetails, (view) => view.status);
      }),
    );

  waitOptions(
    runs
      .command('watch')
      .description('follow a run until it closes; exit code 0 only if it COMPLETED')
      .argument('<workflowId>'),
  ).action(define(async (ctx, workflowId: string, options: WaitOptions) => waitForRun(ctx, workflowId, options)));

  runs
    .command('signal')
    .description('send a signal the process declares')
    .argument('<workflowId>')
    .argument('<name>')
    .option('-d, --data <json>', 'the signal argument: JSON, @file.json, or - for stdin')
    .action(
      define(async (ctx, workflowId: string, name: string, options: { data?: string }) => {
        const data = options.data === undefined ? undefined : await readJsonArgument(options.data, '--data');
        const reply = await ctx.api.post<MessageReply>(
          `/v1/runs/${segment(workflowId)}/signals/${segment(name)}`,
          data,
        );
        ctx.out.emit(
          reply,
          () => `Signal ${name} delivered to ${workflowId}.`,
          () => null,
        );
      }),
    );

  runs
    .command('update')
    .description('send an update the process declares and print its result (exit code 5 when the process refuses it)')
    .argument('<workflowId>')
    .argument('<name>')
    .option('-d, --data <json>', 'the update argument: JSON, @file.json, or - for stdin')
    .action(
      define(async (ctx, workflowId: string, name: string, options: { data?: string }) => {
        const data = options.data === undefined ? undefined : await readJsonArgument(options.data, '--data');
        const reply = await ctx.api.post<MessageReply>(
          `/v1/runs/${segment(workflowId)}/updates/${segment(name)}`,
          data,
        );
        ctx.out.emit(
          reply,
          (body) => pretty(body.result),
          (body) => JSON.stringify(body.result),
        );
      }),
    );

  runs
    .command('query')
    .description('ask a query the process declares (e.g. progress) and print its answer')
    .argument('<workflowId>')
    .argument('<name>')
    .action(
      define(async (ctx, workflowId: string, name: string) => {
        const reply = await ctx.api.get<MessageReply>(`/v1/runs/${segment(workflowId)}/queries/${segment(name)}`);
        ctx.out.emit(
          reply,
          (body) => pretty(body.result),
          (body) => JSON.stringify(body.result),
        );
      }),
    );

  registerRunResetCommand(runs, define);

  runs
    .command('cancel')
    .description('ask a running run to cancel (it runs its compensations); exit code 5 if it is not running')
    .argument('<workflowId>')
    .action(
      define(async (ctx, workflowId: string) => {
        const reply = await ctx.api.post<{ workflowId: string; status: string }>(
          `/v1/runs/${segment(workflowId)}/cancel`,
        );
        ctx.out.emit(
          reply,
          () => `Cancellation requested for ${workflowId}.`,
          () => null,
        );
      }),
    );
}
