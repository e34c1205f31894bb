import type { Command } from 'commander';
import { segment } from '../api-client';
import type { BackfillAccepted, ScheduleSummaryView, ScheduleView, TriggerAccepted } from '../api-types';
import type { Define } from '../command-context';
import { readJsonFile } from '../json-input';
import { parseInstant } from '../option-parsers';
import { fields, instant, table } from '../output/table';
import { fetchPages, withPagingOptions, type PagingOptions } from './pages';

function schedulesTable(items: readonly ScheduleSummaryView[]): string {
  if (items.length === 0) return 'No schedules.';
  return table(
    ['ID', 'WORKFLOW', 'STATE', 'MANAGED BY', 'NEXT (UTC)', 'LAST STARTED'],
    items.map((item) => {
      const last = item.info.recentActions[item.info.recentActions.length - 1];
      return [
        item.id,
        item.workflow,
        stateText(item),
        item.managedBy,
        instant(item.info.nextActionTimes[0]),
        last ? `${last.workflowId} at ${instant(last.takenAt)}` : null,
      ];
    }),
  );
}

function stateText(view: ScheduleSummaryView): string {
  return `${view.state.paused ? 'paused' : 'active'}${view.state.note ? ` (${view.state.note})` : ''}`;
}

function timingText(view: ScheduleView): string | null {
  const spec = view.spec;
  if (!spec) return null;
  const timing =
    spec.cron !== undefined
      ? `cron ${[spec.cron].flat().join(' | ')}`
      : spec.every !== undefined
        ? `every ${typeof spec.every === 'string' ? spec.every : `${spec.every.interval}${spec.every.offset ? ` + ${spec.every.offset}` : ''}`}`
        : '';
  return `${timing} (${spec.timezone})`;
}

function scheduleDetails(view: ScheduleView): string {
  const { info } = view;
  return fields([
    ['ID', view.id],
    ['Workflow', view.workflow],
    ['Description', view.spec?.description],
    ['Timing', timingText(view) ?? 'created outside Junction (no spec)'],
    ['Overlap', view.spec?.overlap],
    ['State', stateText(view)],
    ['Managed by', view.managedBy],
    ['Next (UTC)', info.nextActionTimes.slice(0, 3).map(instant).join(', ')],
    [
      'Actions',
      `${info.actionCount} started, ${info.skippedOverlap} skipped (overlap), ${info.missedCatchupWindow} missed`,
    ],
    ['Running', info.runningActions.map((action) => action.workflowId).join(', ')],
    [
      'Recent',
      info.recentActions
        .slice(-3)
        .map((action) => `${action.workflowId} at ${instant(action.takenAt)}`)
        .join(', '),
    ],
    ['Created', instant(info.createdAt)],
    ['Updated', instant(info.updatedAt)],
  ]);
}

const OVERLAP_HELP = 'skip | buffer_one | buffer_all | cancel_other | terminate_other | allow_all';

/** `junction schedules …`: Temporal Schedules that start catalog processes. */
export function registerSchedulesCommands(program: Command, define: Define): void {
  const schedules = program
    .command('schedules')
    .description('schedules: list, show, create, replace, delete, pause, unpause, trigger, backfill');

  withPagingOptions(schedules.command('list').description('every schedule in the namespace'), 100).action(
    define(async (ctx, options: PagingOptions) => {
      const listing = await fetchPages<ScheduleSummaryView>(ctx.api, '/v1/schedules', {}, options);
      listing.emit(ctx.out, schedulesTable, (item) => item.id);
    }),
  );

  schedules
    .command('show')
    .argument('<id>')
    .description('a schedule: its spec, state, next and recent runs')
    .action(
      define(async (ctx, id: string) =>
        ctx.out.emit(await ctx.api.get<ScheduleView>(`/v1/schedules/${segment(id)}`), scheduleDetails),
      ),
    );

  schedules
    .command('create')
    .requiredOption(
      '-f, --file <path>',
      'the schedule spec as YAML or JSON (the form of config/schedules.yaml entries), or - for stdin',
    )
    .description('create a schedule')
    .action(
      define(async (ctx, options: { file: string }) => {
        const spec = await readJsonFile(options.file, '--file');
        ctx.out.emit(await ctx.api.post<ScheduleView>('/v1/schedules', spec), scheduleDetails, (view) => view.id);
      }),
    );

  schedules
    .command('replace')
    .argument('<id>')
    .requiredOption(
      '-f, --file <path>',
      'the whole spec as YAML or JSON, or - for stdin (`schedules show <id> --json` gives the current one under .spec)',
    )
    .description('replace a schedule’s spec')
    .action(
      define(async (ctx, id: string, options: { file: string }) => {
        const spec = await readJsonFile(options.file, '--file');
        ctx.out.emit(
          await ctx.api.put<ScheduleView>(`/v1/schedules/${segment(id)}`, spec),
          scheduleDetails,
          (view) => view.id,
        );
      }),
    );

  schedules
    .command('delete')
    .argument('<id>')
    .description('delete a schedule (runs it started go on)')
    .action(
      define(async (ctx, id: string) => {
        await ctx.api.delete(`/v1/schedules/${segment(id)}`);
        ctx.out.notice(`Deleted schedule ${id}.`);
      }),
    );

  for (const [verb, description] of [
    ['pause', 'stop starting runs until unpaused'],
    ['unpause', 'start runs again'],
  ] as const) {
    schedules
      .command(verb)
      .argument('<id>')
      .option('--note <text>', 'why, shown beside the state (e.g. in the Web UI)')
      .description(description)
      .action(
        define(async (ctx, id: string, options: { note?: string }) => {
          const reply = await ctx.api.post<ScheduleView>(
            `/v1/schedules/${segment(id)}/${verb}`,
            options.note ? { note: options.note } : undefined,
          );
          ctx.out.emit(
            reply,
            (view) => `${view.id}: ${stateText(view)}`,
            () => null,
          );
        }),
      );
  }

  schedules
    .command('trigger')
    .argument('<id>')
    .option('--overlap <policy>', `what to do if a run is still going (${OVERLAP_HELP}; default allow_all)`)
    .description('start one run now')
    .action(
      define(async (ctx, id: string, options: { overlap?: string }) => {
        const reply = await ctx.api.post<TriggerAccepted>(
          `/v1/schedules/${segment(id)}/trigger`,
          options.overlap ? { overlap: options.overlap } : undefined,
        );
        ctx.out.emit(
          reply,
          (accepted) => `Triggered ${accepted.id} (overlap ${accepted.overlap}).`,
          () => null,
        );
      }),
    );

  schedules
    .command('backfill')
    .argument('<id>')
    .requiredOption(
      '--from <instant>',
      'start of the range, ISO 8601 with a zone (e.g. 2030-01-01T00:00:00Z)',
      parseInstant,
    )
    .requiredOption('--to <instant>', 'end of the range, ISO 8601 with a zone', parseInstant)
    .option('--overlap <policy>', `overlap policy for the backfilled runs (${OVERLAP_HELP}; default the schedule’s)`)
    .description('start the runs the schedule would have started in a past range')
    .action(
      define(async (ctx, id: string, options: { from: string; to: string; overlap?: string }) => {
        const body = { from: options.from, to: options.to, ...(options.overlap ? { overlap: options.overlap } : {}) };
        const reply = await ctx.api.post<BackfillAccepted>(`/v1/schedules/${segment(id)}/backfill`, body);
        ctx.out.emit(
          reply,
          (accepted) =>
            `Backfilling ${accepted.id} from ${accepted.from} to ${accepted.to}: up to ${accepted.actions} runs.`,
          (accepted) => String(accepted.actions),
        );
      }),
    );
}
