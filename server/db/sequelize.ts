import { Sequelize } from 'sequelize';
import { getLogger } from '../../logging/logger';

/** One Sequelize instance per process; SQL is logged at debug level only, never with bound values. */
export function createSequelize(databaseUrl: string): Sequelize {
  const url = new URL(databaseUrl);
  // mysql2 speaks to MariaDB too; Sequelize wants the dialect name, not the URL scheme.
  url.protocol = 'mysql:';
  return new Sequelize(url.toString(), {
    dialect: 'mysql',
    logging: (sql) => getLogger().debug('sql', { sql: sql.slice(0, 500) }),
    pool: { max: 10, min: 0, idle: 10_000 },
    define: { underscored: true },
    dialectOptions: { dateStrings: false, supportBigNumbers: true },
    timezone: '+00:00',
  });
}

/** The database name in a DATABASE_URL, e.g. `junction`. */
export function databaseNameOf(databaseUrl: string): string {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_$-]{1,64}$/.test(name)) {
    throw new Error(`DATABASE_URL must name a database (letters, digits, _ $ -), got "${name}"`);
  }
  return name;
}
