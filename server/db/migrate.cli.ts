/**
 * `npm run migrate [-- down]`: creates the database if needed and applies pending migrations.
 * Run by scripts/bootstrap.mjs; safe to repeat.
 */
import { loadConfig } from '../../config';
import { configureLogger } from '../../logging/logger';
import { ensureDatabase } from './ensure-database';
import { createMigrator } from './migrate';
import { createSequelize } from './sequelize';

async function main(): Promise<void> {
  const config = loadConfig();
  configureLogger({ level: config.log.level === 'info' ? 'warn' : config.log.level, format: config.log.format });
  await ensureDatabase(config.databaseUrl);
  const sequelize = createSequelize(config.databaseUrl);
  try {
    const migrator = createMigrator(sequelize);
    if (process.argv[2] === 'down') {
      const reverted = await migrator.down();
      console.log(`reverted: ${reverted.map((m) => m.name).join(', ') || 'nothing'}`);
    } else {
      const applied = await migrator.up();
      console.log(
        applied.length ? `migrations applied: ${applied.map((m) => m.name).join(', ')}` : 'database schema up to date',
      );
    }
  } finally {
    await sequelize.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
