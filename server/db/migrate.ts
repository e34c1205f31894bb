import type { QueryInterface, Sequelize } from 'sequelize';
import { SequelizeStorage, Umzug } from 'umzug';
import { getLogger } from '../../logging/logger';
import * as coreTables from './migrations/001-core-tables';
import * as sandboxTables from './migrations/002-sandbox-tables';
import * as syncCursors from './migrations/003-sync-cursors';
import * as eventIntake from './migrations/004-event-intake';
import * as imports from './migrations/005-imports';
import * as keyIdentity from './migrations/006-key-identity-and-idempotency';
import * as flowVersions from './migrations/007-flow-versions';

/**
 * Migrations in order. Listed here rather than globbed so that they run the same from
 * TypeScript sources and from compiled output. Append; never rename or reorder a shipped one.
 */
const MIGRATIONS = [
  { name: '001-core-tables', module: coreTables },
  { name: '002-sandbox-tables', module: sandboxTables },
  { name: '003-sync-cursors', module: syncCursors },
  { name: '004-event-intake', module: eventIntake },
  { name: '005-imports', module: imports },
  { name: '006-key-identity-and-idempotency', module: keyIdentity },
  { name: '007-flow-versions', module: flowVersions },
];

export function createMigrator(sequelize: Sequelize): Umzug<QueryInterface> {
  return new Umzug<QueryInterface>({
    migrations: MIGRATIONS.map(({ name, module }) => ({
      name,
      up: ({ context }) => module.up({ context }),
      down: ({ context }) => module.down({ context }),
    })),
    context: sequelize.getQueryInterface(),
    storage: new SequelizeStorage({ sequelize, tableName: 'schema_migrations' }),
    logger: {
      info: (event) => getLogger().info('migration', event),
      warn: (event) => getLogger().warn('migration', event),
      error: (event) => getLogger().error('migration', event),
      debug: (event) => getLogger().debug('migration', event),
    },
  });
}

const MIGRATION_LOCK = 'junction:migrations';
const LOCK_WAIT_SECONDS = 120;

interface LockConnection {
  query(sql: string, values: unknown[], callback: (error: Error | null, rows: unknown) => void): void;
}

function queryOn(connection: LockConnection, sql: string, values: unknown[]): Promise<unknown> {
  return new Promise((resolve, reject) =>
    connection.query(sql, values, (error, rows) => (error ? reject(error) : resolve(rows))),
  );
}

/**
 * Applies pending migrations; returns the names applied. Several processes starting at once (API
 * replicas, CLI commands) take turns under a MySQL named lock, so none applies a migration
 * another is applying; the lock lives on one pinned connection, as GET_LOCK is per session.
 */
export async function migrateUp(sequelize: Sequelize): Promise<string[]> {
  const connection = (await sequelize.connectionManager.getConnection({ type: 'write' })) as unknown as LockConnection;
  try {
    const rows = (await queryOn(connection, 'SELECT GET_LOCK(?, ?) AS acquired', [
      MIGRATION_LOCK,
      LOCK_WAIT_SECONDS,
    ])) as { acquired: number | null }[];
    if (rows[0]?.acquired !== 1)
      throw new Error(`Another process held the migration lock for ${LOCK_WAIT_SECONDS} s; retry when it finished.`);
    try {
      const applied = await createMigrator(sequelize).up();
      return applied.map((m) => m.name);
    } finally {
      await queryOn(connection, 'SELECT RELEASE_LOCK(?)', [MIGRATION_LOCK]);
    }
  } finally {
    sequelize.connectionManager.releaseConnection(connection as never);
  }
}
