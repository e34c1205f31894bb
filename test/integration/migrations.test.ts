import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { Sequelize } from 'sequelize';
import { loadConfig } from '../../config';
import { dropDatabase, ensureDatabase } from '../../server/db/ensure-database';
import { createMigrator, migrateUp } from '../../server/db/migrate';
import { createSequelize } from '../../server/db/sequelize';
import { getLogger } from '../../logging/logger';

const TABLES = [
  'api_keys',
  'connector_instances',
  'audit_log',
  'event_inbox',
  'email_outbox',
  'sandbox_records',
  'sandbox_faults',
];

/** The configured server, with a database name of our own so that nothing else is touched. */
function uniqueDatabaseUrl(): string {
  const url = new URL(loadConfig().databaseUrl);
  url.pathname = `/junction_migr_${randomBytes(4).toString('hex')}`;
  return url.toString();
}

describe('database migrations (MariaDB)', function () {
  const databaseUrl = uniqueDatabaseUrl();
  let sequelize: Sequelize;
  let logLevel: string;

  before(async function () {
    // umzug logs each migration at info; the test output should show only the results.
    logLevel = getLogger().level;
    getLogger().level = 'warn';
    await ensureDatabase(databaseUrl);
    sequelize = createSequelize(databaseUrl);
  });

  after(async function () {
    await sequelize?.close();
    await dropDatabase(databaseUrl);
    if (logLevel) getLogger().level = logLevel;
  });

  it('when the database is empty, then every migration runs forward in order', async function () {
    const pending = (await createMigrator(sequelize).pending()).map((m) => m.name);
    expect(pending).to.include.members(['001-core-tables', '002-sandbox-tables']);
    expect(await migrateUp(sequelize)).to.deep.equal(pending);
    expect(await createMigrator(sequelize).pending()).to.deep.equal([]);
  });

  it('creates every table the application uses', async function () {
    const tables = (await sequelize.getQueryInterface().showAllTables()).map(String);
    expect(tables).to.include.members(TABLES);
  });

  it('when run a second time, then nothing is applied', async function () {
    expect(await migrateUp(sequelize)).to.deep.equal([]);
  });

  it('when an event arrives twice from the same source, then the inbox rejects the duplicate', async function () {
    const insert = (source: string) =>
      sequelize.query(
        `INSERT INTO event_inbox (source, event_id, payload, status, attempts, created_at, updated_at)
         VALUES (?, 'evt-1', '{}', 'received', 0, NOW(3), NOW(3))`,
        { replacements: [source] },
      );
    await insert('stripe');
    await insert('shopify'); // the same event id from another source is a different event
    const duplicate = await insert('stripe').then(
      () => null,
      (error: unknown) => error,
    );
    expect(duplicate, 'second insert of stripe/evt-1').to.be.instanceOf(Error);
    expect((duplicate as Error).name).to.equal('SequelizeUniqueConstraintError');
  });
});

describe('database migrations started by several processes at once (MariaDB)', function () {
  this.timeout(120_000);
  const databaseUrl = uniqueDatabaseUrl();
  const connections: Sequelize[] = [];

  after(async function () {
    await Promise.all(connections.map((connection) => connection.close()));
    await dropDatabase(databaseUrl);
  });

  it('when three start on an empty database together, then each migration is applied once and all three succeed', async function () {
    await ensureDatabase(databaseUrl);
    connections.push(createSequelize(databaseUrl), createSequelize(databaseUrl), createSequelize(databaseUrl));
    const applied = await Promise.all(connections.map((connection) => migrateUp(connection)));
    const all = applied.flat();
    expect(new Set(all).size).to.equal(all.length);
    expect(all).to.include.members(['001-core-tables', '002-sandbox-tables']);
    expect(await createMigrator(connections[0]!).pending()).to.deep.equal([]);
  });
});
