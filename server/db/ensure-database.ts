import mysql from 'mysql2/promise';
import { databaseNameOf } from './sequelize';

/** Runs one statement on the server of DATABASE_URL, connected without selecting its database. */
async function onServer(databaseUrl: string, statement: (name: string) => string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = databaseNameOf(databaseUrl);
  const connection = await mysql.createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username || 'root'),
    password: decodeURIComponent(url.password),
  });
  try {
    await connection.query(statement(name));
  } finally {
    await connection.end();
  }
}

/** Creates the database named in DATABASE_URL when it does not exist yet. */
export function ensureDatabase(databaseUrl: string): Promise<void> {
  return onServer(
    databaseUrl,
    (name) => `CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
  );
}

/** Drops the database: for tests that prove migrations from an empty database. */
export function dropDatabase(databaseUrl: string): Promise<void> {
  return onServer(databaseUrl, (name) => `DROP DATABASE IF EXISTS \`${name}\``);
}
