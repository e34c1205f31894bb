import type { Command } from 'commander';
import { segment } from '../api-client';
import type { ResetOutcome } from '../api-types';
import { UsageError } from '../cli-errors';
import type { Define } from '../command-context';

interface ResetOptions {
  toStep?: string;
  toLastFailure?: boolean;
  toStart?: boolean;
  reason: string;
}

/** The request's target from exactly one of the three flags. */
function targetOf(options: ResetOptions): { toStep: string } | { to: 'lastFailure' | 'start' } {
  const given = [options.toStep !== undefined, options.toLastFailure === true, options.toStart === true];
  if (given.filter(Boolean).length !== 1)
    throw new UsageError('Give exactly one of --to-step <step>, --to-last-failure and --to-start.');
  if (options.toStep !== undefined) return { toStep: options.toStep };
  return { to: options.toLastFailure ? 'lastFailure' : 'start' };
}

/** `junction runs reset <workflowId> …`: one failed run to a step (POST /v1/runs/{id}/reset, scope runs:reset). */
export function registerRunResetCommand(runs: Command, define: Define): void {
  runs
    .command('reset')
    .description(
      'reset a failed run to a step: earlier steps are not run again, later ones run again under their idempotency keys; prints the new run id',
    )
    .argument('<workflowId>')
    .option('--to-step <step>', 'a step the process declares resettable (e.g. createSalesOrder) or a flow task path')
    .option('--to-last-failure', 'the step the run failed at')
    .option('--to-start', 'the whole run again')
    .requiredOption('--reason <text>', 'recorded in the new run and the audit log')
    .action(
      define(async (ctx, workflowId: string, options: ResetOptions) => {
        const body = { ...targetOf(options), reason: options.reason };
        const reply = await ctx.api.post<ResetOutcome>(`/v1/runs/${segment(workflowId)}/reset`, body);
        ctx.out.emit(
          reply,
          (outcome) => outcome.runId,
          (outcome) => outcome.runId,
        );
        ctx.out.notice(
          `Reset ${workflowId} to ${reply.body.resetFrom.step} (from run ${reply.body.resetFrom.runId}, event ${reply.body.resetFrom.eventId}); new run ${reply.body.runId}.`,
        );
      }),
    );
}
