import type { Command } from 'commander';
import type { AuditEntryView } from '../api-types';
import type { Define } from '../command-context';
import { parseInstant } from '../option-parsers';
import { instant, table } from '../output/table';
import { fetchPages, withPagingOptions, type PagingOptions } from './pages';

function auditTable(items: readonly AuditEntryView[]): string {
  if (items.length === 0) return 'No audit entries.';
  return table(
    ['AT (UTC)', 'ACTOR', 'ACTION', 'TARGET', 'OUTCOME', 'HTTP', 'REQUEST ID'],
    items.map((entry) => [
      instant(entry.at),
      entry.actor,
      entry.action,
      entry.target,
      entry.outcome,
      entry.statusCode,
      entry.requestId,
    ]),
  );
}

interface AuditOptions extends PagingOptions {
  actor?: string;
  action?: string;
  target?: string;
  outcome?: string;
  from?: string;
  to?: string;
  requestId?: string;
}

/** `junction audit list`: who changed what (admin scope). */
export function registerAuditCommands(program: Command, define: Define): void {
  const audit = program
    .command('audit')
    .description('the audit trail of every change made through the API (needs an admin key)');
  withPagingOptions(
    audit
      .command('list')
      .description('audit entries, newest first')
      .option('--actor <actor>', 'e.g. "ops (jk_live_ab12)" or oidc:<subject>')
      .option('--action <action>', 'e.g. keys.create, or a family such as runs.*')
      .option('--target <target>', 'e.g. a workflow id, schedule id, connector name or key id')
      .option('--outcome <outcome>', 'success or failure')
      .option('--from <instant>', 'from this ISO 8601 date-time (inclusive)', parseInstant)
      .option('--to <instant>', 'until this ISO 8601 date-time (exclusive)', parseInstant)
      .option('--request-id <id>', 'the requestId an error message named'),
    50,
  ).action(
    define(async (ctx, options: AuditOptions) => {
      const { actor, action, target, outcome, from, to, requestId } = options;
      const listing = await fetchPages<AuditEntryView>(
        ctx.api,
        '/v1/audit',
        { actor, action, target, outcome, from, to, requestId },
        options,
      );
      listing.emit(ctx.out, auditTable, (entry) => String(entry.id));
    }),
  );
}
