import type { Command } from 'commander';
import type { CatalogEntry, CatalogMessage, Page } from '../api-types';
import type { Define } from '../command-context';
import { table, truncate } from '../output/table';

const names = (messages: readonly CatalogMessage[]): string => messages.map((message) => message.name).join(', ');

function catalogTable(entries: readonly CatalogEntry[]): string {
  return table(
    ['TYPE', 'DESCRIPTION', 'SIGNALS', 'UPDATES', 'QUERIES'],
    entries.map((entry) => [
      entry.type,
      truncate(entry.description, 50),
      names(entry.signals),
      names(entry.updates),
      names(entry.queries),
    ]),
  );
}

/** `junction workflows list`: the process catalog. */
export function registerWorkflowsCommands(program: Command, define: Define): void {
  const workflows = program.command('workflows').description('the processes that can be started');
  workflows
    .command('list')
    .description('process types with their signals, updates and queries (--json adds the input JSON Schemas)')
    .action(
      define(async (ctx) => {
        const reply = await ctx.api.get<Pick<Page<CatalogEntry>, 'items'>>('/v1/workflows');
        ctx.out.emit(
          reply,
          (body) => catalogTable(body.items),
          (body) => body.items.map((entry) => entry.type).join('\n'),
        );
      }),
    );
}
