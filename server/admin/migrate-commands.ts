/**
 * `junction-admin migrate [up|down|status]` (`npm run migrate [-- down]`): creates the database
 * if needed and applies pending migrations. Run by scripts/bootstrap.mjs; safe to repeat.
 */
import type { Command } from 'commander';
import { ensureDatabase } from '../db/ensure-database';
import { createMigrator, migrateUp } from '../db/migrate';
import { createSequelize } from '../db/sequelize';
import type { Sequelize } from 'sequelize';
import { loadAdminConfig, type AdminDefine } from './admin-context';

async function withSequelize<T>(work: (sequelize: Sequelize) => Promise<T>): Promise<T> {
  const config = loadAdminConfig();
  await ensureDatabase(config.databaseUrl);
  const sequelize = createSequelize(config.databaseUrl);
  try {
    return await work(sequelize);
  } finally {
    await sequelize.close();
  }
}

export function registerMigrateCommands(program: Command, define: AdminDefine): void {
  const migrate = program
    .command('migrate')
    .description('the database schema: apply pending migrations (the default), revert the last one, or list them');

  migrate
    .command('up', { isDefault: true })
    .description('create the database if needed and apply pending migrations (safe to repeat; the default)')
    .action(
      define(async (out) => {
        // migrateUp holds the migration lock, so it is safe beside starting servers.
        const applied = await withSequelize(migrateUp);
        out.line(applied.length ? `migrations applied: ${applied.join(', ')}` : 'database schema up to date');
      }),
    );

  migrate
    .command('down')
    .description('revert the last applied migration (development only: it drops what the migration created)')
    .action(
      define(async (out) => {
        const reverted = await withSequelize((sequelize) => createMigrator(sequelize).down());
        out.line(`reverted: ${reverted.map((m) => m.name).join(', ') || 'nothing'}`);
      }),
    );

  migrate
    .command('status')
    .description('list applied and pending migrations')
    .action(
      define(async (out) => {
        const { executed, pending } = await withSequelize(async (sequelize) => {
          const migrator = createMigrator(sequelize);
          return { executed: await migrator.executed(), pending: await migrator.pending() };
        });
        for (const migration of executed) out.line(`applied\t${migration.name}`);
        for (const migration of pending) out.line(`pending\t${migration.name}`);
        if (executed.length + pending.length === 0) out.line('no migrations');
      }),
    );
}
