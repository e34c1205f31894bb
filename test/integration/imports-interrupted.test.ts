import { request as httpRequest } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { expect } from 'chai';
import { loadConfig } from '../../config';
import { createApp } from '../../server/api/app';
import { createApiKeysService } from '../../server/auth/api-keys.service';
import { startApiServer, type RunningApiServer } from '../../server/api/server';
import { createImportRepository, IMPORT_STALE_AFTER_MS } from '../../server/imports/import-repository';
import { openEventIntake, type EventIntake } from '../../server/intake/event-intake';
import { parseEventSourcesFile } from '../../server/intake/event-sources-file';
import { intakeRecorderProcess } from '../support/intake-recorder.process';
import { uniqueId } from '../support/order-fixtures';
import { getDevServer } from '../support/temporal-test-servers';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { eventuallyFound } from '../support/eventually';

const REDIS_URL = 'redis://127.0.0.1:6379/7';
const SECRETS = { ORDERS_SECRET: 'orders-secret-0123456789' };
const SOURCES = `
sources:
  orders:
    signature: { scheme: hmac-sha256, header: X-Orders-Hmac, secret: '\${ORDERS_SECRET}' }
    eventId: { path: eventId }
    process: { type: intakeRecorder, mode: start, businessKey: order.key, input: order }
`;

describe('Imports that do not finish (MariaDB, Redis): a broken upload and a dead process leave the import failed as interrupted, its accepted rows kept', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let connection: Connection;
  let intake: EventIntake;
  let api: RunningApiServer;
  let key: string;

  before(async () => {
    const server = await getDevServer();
    db = await createTestDatabase('imports_interrupted');
    connection = await Connection.connect({ address: server.address });
    const temporal = new Client({ connection, namespace: server.namespace });
    const config = loadConfig({ TEMPORAL_NAMESPACE: server.namespace, REDIS_URL });
    const catalog = [intakeRecorderProcess(uniqueId('interrupted'))];
    // No consumer: what the import accepted stays pending, countable.
    intake = await openEventIntake({
      config,
      models: db.models,
      catalog,
      env: SECRETS,
      sources: parseEventSourcesFile(SOURCES, SECRETS, catalog),
      queueName: uniqueId('imports-interrupted'),
    });
    api = await startApiServer(
      createApp({ config, temporal, models: db.models, catalog, intake, importLimits: { batchRows: 50 } }),
      0,
    );
    key = (
      await createApiKeysService({ apiKeys: db.models.ApiKey }).createKey({
        name: 'ops',
        scopes: ['runs:read', 'runs:write'],
      })
    ).key;
  });

  after(async () => {
    await api?.close();
    await intake?.producer.queue.obliterate({ force: true }).catch(() => undefined);
    await intake?.close();
    await connection?.close();
    await db?.destroy();
  });

  const line = (i: number) => `${JSON.stringify({ eventId: `cut-${i}`, order: { key: `cut-${i}`, amount: 1 } })}\n`;

  it('when the client breaks off the upload, then the import is failed as interrupted and exactly the rows it accepted are in the inbox', async () => {
    const req = httpRequest(`${api.url}/v1/imports?source=orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
    });
    req.on('error', () => undefined);
    for (let i = 0; i < 300; i++) req.write(line(i));
    const imported = await eventuallyFound(
      'rows accepted',
      async () => {
        const row = await db.models.EventImport.findOne({ order: [['id', 'DESC']] });
        return row && (await db.models.InboxEvent.count({ where: { importId: String(row.id) } })) >= 250
          ? row
          : undefined;
      },
      { timeoutMs: 60_000 },
    );
    req.destroy();

    const failed = await eventuallyFound(
      'import failed',
      async () => {
        const row = await db.models.EventImport.findByPk(imported.id);
        return row?.status === 'failed' ? row : undefined;
      },
      { timeoutMs: 60_000 },
    );
    expect(failed.failureCode).to.equal('interrupted');
    expect(failed.failureDetail).to.match(/upload ended before the file was complete/);
    expect(failed.finishedAt).to.be.instanceOf(Date);
    const stored = await db.models.InboxEvent.count({ where: { importId: String(imported.id) } });
    expect(failed.accepted).to.equal(stored);
    expect(stored).to.be.within(250, 300);
    expect(failed.rejected).to.equal(0);
  });

  it("when an import's process died, then once its row has not moved for the stale time it is shown as failed (interrupted)", async () => {
    const repository = createImportRepository(db.models);
    const alive = await repository.create({ source: 'orders', format: 'csv', actor: 'ops (test)' });
    const dead = await repository.create({ source: 'orders', format: 'csv', actor: 'ops (test)' });
    await repository.saveProgress(dead.id, { linesRead: 10, rowsRead: 9, accepted: 9, duplicates: 0, rejected: 0 });
    await db.sequelize.query('UPDATE imports SET updated_at = ? WHERE id = ?', {
      replacements: [new Date(Date.now() - IMPORT_STALE_AFTER_MS - 1_000), dead.id],
    });

    const shown = await fetch(`${api.url}/v1/imports/${dead.id}`, { headers: { authorization: `Bearer ${key}` } });
    const body = (await shown.json()) as {
      status: string;
      failure: { code: string } | null;
      counts: { accepted: number };
      finishedAt: string | null;
    };
    expect(shown.status).to.equal(200);
    expect(body).to.deep.include({
      status: 'failed',
      failure: {
        code: 'interrupted',
        detail: 'The import stopped without finishing (its API process ended or lost the database).',
      },
    });
    expect(body.counts.accepted).to.equal(9);
    expect(body.finishedAt).to.be.a('string');
    // A running import that saved its progress within the stale time is left alone.
    expect((await repository.get(alive.id))!.status).to.equal('running');
  });
});
