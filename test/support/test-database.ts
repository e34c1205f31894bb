import { randomBytes } from 'node:crypto';
import { openDatabase, type Database } from '../../server/db/database';
import { dropDatabase, ensureDatabase } from '../../server/db/ensure-database';
import { migrateUp } from '../../server/db/migrate';

export interface TestDatabase extends Database {
  url: string;
  /** Closes the connection and drops the database. */
  destroy(): Promise<void>;
}

/** A freshly migrated database with a unique name, so suites never see each other's rows. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `junction_t_${label.replace(/[^a-z0-9_]/gi, '_').slice(0, 20)}_${randomBytes(4).toString('hex')}`;
  const url = `mysql://root@127.0.0.1:3306/${name}`;
  await ensureDatabase(url);
  const db = openDatabase(url);
  await migrateUp(db.sequelize);
  return {
    ...db,
    url,
    async destroy() {
      await db.close();
      await dropDatabase(url);
    },
  };
}
