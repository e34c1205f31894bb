import { loadConfig } from '../../config';
import { createDefaultRegistry, type ConnectorRegistry } from '../../connectors/registry';
import { startSmtpSink, type SmtpSink } from './smtp-sink';
import { createTestDatabase, type TestDatabase } from './test-database';
import { registryDeps } from '../../server/connectors/registry-deps';

export interface SandboxConnectors {
  db: TestDatabase;
  smtp: SmtpSink;
  /** The default instances: sandbox CRM, ERP and payments in `db`, `email.main` sending to `smtp`. */
  registry: ConnectorRegistry;
  /** Closes the registry and the sink and drops the database. */
  close(): Promise<void>;
}

/** The default connector registry on a fresh MariaDB database and a real SMTP sink, as activities see it in tests. */
export async function startSandboxConnectors(
  databaseName: string,
  smtpOptions: Parameters<typeof startSmtpSink>[0] = {},
): Promise<SandboxConnectors> {
  const [db, smtp] = await Promise.all([createTestDatabase(databaseName), startSmtpSink(smtpOptions)]);
  const registry = createDefaultRegistry(
    registryDeps(loadConfig({ DATABASE_URL: db.url, SMTP_URL: smtp.url, LOG_LEVEL: 'error' }, false), db.models),
  );
  return {
    db,
    smtp,
    registry,
    async close() {
      await registry.close();
      await smtp.close();
      await db.destroy();
    },
  };
}
