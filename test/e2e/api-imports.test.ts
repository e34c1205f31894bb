import { request as httpRequest } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Client } from '@temporalio/client';
import { expect } from 'chai';
import { loadConfig, type Config } from '../../config';
import type { RunningApiServer } from '../../server/api/server';
import type { EventIntake } from '../../server/intake/event-intake';
import { startIntakeConsumer, type IntakeConsumer } from '../../server/intake/intake-consumer';
import type { ProcessDefinition } from '../../workflows/catalog';
import { call, expectProblem, replyOf, type Reply } from '../support/api-client';
import { openIntakeApi, startIntakeStack, type IntakeApi, type IntakeStack } from '../support/intake-stack';
import type { RecordedEvents } from '../support/intake-recorder.workflow';
import { uniqueId } from '../support/order-fixtures';
import type { TestDatabase } from '../support/test-database';
import { eventuallyFound } from '../support/eventually';
import { auditRowOf, expectInvalid } from './admin-api.support';

/** A Redis database of this suite's own; each intake in it has its own queue name. */
const REDIS_URL = 'redis://127.0.0.1:6379/7';
const SECRETS = { ORDERS_SECRET: 'orders-secret-0123456789', SHOP_SECRET: 'shop-secret-0123456789' };

function sourcesYaml(): string {
  return `
sources:
  orders:
    signature: { scheme: hmac-sha256, header: X-Orders-Hmac, secret: '\${ORDERS_SECRET}' }
    eventId: { path: eventId }
    process: { type: intakeRecorder, mode: signalWithStart, businessKey: order.key, input: order, signal: recordEvent }
  shop:
    signature: { scheme: hmac-sha256, header: X-Shop-Hmac, secret: '\${SHOP_SECRET}' }
    eventId: { header: X-Shop-Event-Id, trustUnsignedHeader: true }
    process: { type: intakeRecorder, mode: start, businessKey: key, input: $ }
`;
}

interface Rejection {
  line: number;
  code: string;
  message: string;
  errors: { field: string; message: string }[] | null;
  eventId: string | null;
}

interface ImportReport {
  id: string;
  status: string;
  failure: { code: string; detail: string } | null;
  counts: { lines: number; rows: number; accepted: number; duplicates: number; rejected: number };
  delivery: { pending: number; done: number; dead: number };
  rejections: Rejection[];
  rejectionsKept: number;
  links: { self: string; rejections: string };
}

type FileBody = string | AsyncIterable<Uint8Array>;

async function postImport(
  baseUrl: string,
  query: Record<string, string>,
  body: FileBody,
  options: { bearer?: string; contentType?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { 'content-type': options.contentType ?? 'text/csv' };
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  const response = await fetch(`${baseUrl}/v1/imports?${new URLSearchParams(query).toString()}`, {
    method: 'POST',
    headers,
    body,
    duplex: 'half',
  } as RequestInit);
  return replyOf(response);
}

const reportOf = (reply: Reply) => reply.body as unknown as ImportReport;

/** The file as a stream of lines, as a client streams a file it never holds whole. */
async function* streamed(lines: Iterable<string>, chunkBytes = 64 * 1024): AsyncGenerator<Uint8Array> {
  let chunk = '';
  for (const line of lines) {
    chunk += `${line}\n`;
    if (chunk.length >= chunkBytes) {
      yield Buffer.from(chunk);
      chunk = '';
    }
  }
  if (chunk) yield Buffer.from(chunk);
}

describe('Bulk intake (e2e): POST /v1/imports turns each row of a CSV or NDJSON file into an event (dev server, MariaDB, Redis)', function () {
  this.timeout(300_000);
  const prefix = uniqueId('import-e2e');
  let stack: IntakeStack;
  let db: TestDatabase;
  let temporal: Client;
  let config: Config;
  let catalog: ProcessDefinition[];
  let intake: EventIntake;
  let api: RunningApiServer;
  let writerKey: string;
  let readerKey: string;
  const queueName = uniqueId('import-e2e-queue');

  const workflowIdOf = (key: string) => `${prefix}-${key}`;
  const recorded = (key: string) => temporal.workflow.getHandle(workflowIdOf(key)).query<RecordedEvents>('recorded');

  async function settledImport(id: string, accepted: number): Promise<ImportReport> {
    return eventuallyFound(
      `import ${id} delivered`,
      async () => {
        const reply = await call(api.url, 'GET', `/v1/imports/${id}`, { bearer: readerKey });
        const report = reportOf(reply);
        return report.delivery.done === accepted ? report : undefined;
      },
      { timeoutMs: 240_000, intervalMs: 1_000 },
    );
  }

  /** Every run of this suite's workflow ids, as Temporal's visibility lists them (closed runs included). */
  async function runsByWorkflowId(keyPrefix: string): Promise<Map<string, number>> {
    const runs = new Map<string, number>();
    for await (const execution of temporal.workflow.list({ query: `WorkflowType = 'intakeRecorder'` })) {
      if (execution.workflowId.startsWith(workflowIdOf(keyPrefix)))
        runs.set(execution.workflowId, (runs.get(execution.workflowId) ?? 0) + 1);
    }
    return runs;
  }

  before(async () => {
    stack = await startIntakeStack({
      label: 'api_imports',
      prefix,
      redisUrl: REDIS_URL,
      queueName,
      sourcesYaml: sourcesYaml(),
      secrets: SECRETS,
      consumerConcurrency: 20,
    });
    ({ db, temporal, config, catalog, intake, api } = stack);
    writerKey = await stack.createKey('ops', ['runs:read', 'runs:write']);
    readerKey = await stack.createKey('dashboard', ['runs:read']);
  });

  after(async () => {
    await stack?.close();
  });

  it('imports 5,000 CSV rows: malformed lines and rows the input schema refuses are reported by line and field, the rest accepted, and they become exactly one run per business key', async () => {
    // 4,997 events for 1,000 business keys (five per key), then three repeats.
    const kinds = ['created', 'paid', 'packed', 'shipped', 'closed'];
    const rows = Array.from({ length: 4997 }, (_, i) => ({
      eventId: `evt-${i}`,
      kind: kinds[i % 5]!,
      key: `bulk-${Math.floor(i / 5)}`,
      amount: String(100 + i),
    }));
    const lineOf = (index: number) => index + 2;
    const csvRow = (row: { eventId: string; kind: string; key: string; amount: string }) =>
      `${row.eventId},${row.kind},${row.key},${row.amount}`;
    const lines = rows.map(csvRow);
    const malformed = [100, 1200, 2500, 3999];
    for (const index of malformed) lines[index] += ',one-cell-too-many';
    lines[4500] = `evt-4500,cre"ated,bulk-900,1`;
    lines[700] = csvRow({ ...rows[700]!, amount: 'lots' });
    lines[1500] = csvRow({ ...rows[1500]!, amount: '-5' });
    lines[3001] = csvRow({ ...rows[3001]!, kind: '' });
    lines[2000] = csvRow({ ...rows[2000]!, eventId: '' });
    lines.push(csvRow(rows[10]!), csvRow(rows[20]!), csvRow(rows[30]!));
    const file = ['eventId,kind,order.key,order.amount:number', ...lines].join('\n');

    const started = Date.now();
    const reply = await postImport(api.url, { source: 'orders' }, file, { bearer: writerKey });
    const importMs = Date.now() - started;
    expect(reply.status, reply.text).to.equal(202);
    const report = reportOf(reply);
    expect(reply.headers.get('location')).to.equal(`/v1/imports/${report.id}`);
    expect(report.status).to.equal('completed');
    expect(report.counts).to.deep.equal({ lines: 5001, rows: 5000, accepted: 4988, duplicates: 3, rejected: 9 });
    // Durable before the answer: every accepted row is in the inbox with the import's id.
    expect(await db.models.InboxEvent.count({ where: { importId: report.id } })).to.equal(4988);

    const byLine = new Map(report.rejections.map((rejection) => [rejection.line, rejection]));
    expect([...byLine.keys()]).to.deep.equal([...[100, 700, 1200, 1500, 2000, 2500, 3001, 3999, 4500].map(lineOf)]);
    for (const index of [...malformed, 4500])
      expect(byLine.get(lineOf(index))!.code, `line ${lineOf(index)}`).to.equal('malformed-line');
    expect(byLine.get(lineOf(700))).to.deep.include({
      code: 'invalid-row',
      errors: [{ field: 'order.amount', message: 'is not a number' }],
    });
    expect(byLine.get(lineOf(1500))).to.deep.include({ code: 'invalid-row', eventId: 'evt-1500' });
    expect(byLine.get(lineOf(1500))!.errors!.map((error) => error.field)).to.deep.equal(['order.amount']);
    expect(byLine.get(lineOf(3001))!.errors!.map((error) => error.field)).to.deep.equal(['kind']);
    expect(byLine.get(lineOf(2000))).to.deep.include({
      code: 'missing-event-id',
      errors: [{ field: 'eventId', message: 'must be a non-empty string (at most 255 characters) or a number' }],
    });
    // Nothing is written for a rejected row.
    for (const eventId of ['evt-100', 'evt-700', 'evt-1500', 'evt-3001', 'evt-4500'])
      expect(await intake.inbox.find('orders', eventId), eventId).to.equal(null);

    const audit = await auditRowOf(db, reply);
    expect(audit).to.include({
      action: 'imports.create',
      target: report.id,
      outcome: 'success',
      statusCode: 202,
      actor: audit.actor,
    });
    expect(audit.details).to.include({ accepted: 4988, rejected: 9 });

    const delivered = await settledImport(report.id, 4988);
    const deliveredMs = Date.now() - started;
    expect(delivered.delivery).to.deep.equal({ pending: 0, done: 4988, dead: 0 });
    const runs = await eventuallyFound(
      'a run per key listed',
      async () => {
        const found = await runsByWorkflowId('bulk-');
        return found.size >= 1000 ? found : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
    expect(runs.size).to.equal(1000);
    expect(
      [...runs.values()].every((count) => count === 1),
      'one run per business key',
    ).to.equal(true);
    // Each key's run got its accepted events once; a repeated row did nothing.
    expect([...(await recorded('bulk-2')).events].sort()).to.deep.equal(
      ['evt-10', 'evt-11', 'evt-12', 'evt-13', 'evt-14'].map((id) => `orders/${id}`).sort(),
    );
    expect((await recorded('bulk-2')).repeats).to.equal(0);
    expect((await recorded('bulk-20')).events).to.not.include('orders/evt-100');
    expect((await recorded('bulk-20')).events).to.have.length(4);
    expect((await recorded('bulk-300')).events).to.not.include('orders/evt-1500');
    console.log(
      `      5,000-row CSV import read and stored in ${importMs} ms; 4,988 events delivered into 1,000 runs after ${deliveredMs} ms`,
    );
  });

  it('imports NDJSON the same way, and a second sending of the same file is all duplicates', async () => {
    const lines = [
      JSON.stringify({ eventId: 'nd-1', kind: 'created', order: { key: 'nd-a', amount: 5 } }),
      '',
      '{"eventId":"nd-2","kind":"created","order":{"key":"nd-b"',
      JSON.stringify({ eventId: 'nd-3', kind: 'created', order: { key: 'nd-c', amount: 5, colour: 'red' } }),
      JSON.stringify({ eventId: 'nd-4', kind: 'paid', order: { key: 'nd-a', amount: 5 } }),
    ];
    const file = lines.join('\r\n');
    const first = await postImport(api.url, { source: 'orders' }, file, {
      bearer: writerKey,
      contentType: 'application/x-ndjson',
    });
    expect(first.status, first.text).to.equal(202);
    const report = reportOf(first);
    expect(report.counts).to.deep.equal({ lines: 5, rows: 4, accepted: 2, duplicates: 0, rejected: 2 });
    expect(report.rejections.map((rejection) => [rejection.line, rejection.code])).to.deep.equal([
      [3, 'malformed-line'],
      [4, 'invalid-row'],
    ]);
    expect(report.rejections[1]!.errors).to.deep.equal([{ field: 'order.colour', message: 'is not allowed here' }]);
    await settledImport(report.id, 2);
    // Deliveries run concurrently: a business key's events may arrive in any order.
    expect((await recorded('nd-a')).events).to.have.members(['orders/nd-1', 'orders/nd-4']);

    const rows = await db.models.InboxEvent.count();
    const again = await postImport(api.url, { source: 'orders' }, file, {
      bearer: writerKey,
      contentType: 'application/jsonl',
    });
    expect(again.status, again.text).to.equal(202);
    expect(reportOf(again).counts).to.deep.equal({ lines: 5, rows: 4, accepted: 0, duplicates: 2, rejected: 2 });
    expect(await db.models.InboxEvent.count()).to.equal(rows);
  });

  it('reads the event id from a named column for a source whose events carry it in a header, and requires one', async () => {
    const file = 'id,key,amount:number\nshop-1,sh-1,7\nshop-2,sh-2,8\n';
    expectInvalid(await postImport(api.url, { source: 'shop' }, file, { bearer: writerKey }), ['eventIdPath']);
    expectInvalid(await postImport(api.url, { source: 'shop', eventIdPath: 'a..b' }, file, { bearer: writerKey }), [
      'eventIdPath',
    ]);
    // The mapping's input is the whole event, which the process's strict schema refuses with the id column in it: a column-per-field file needs its id elsewhere.
    const refused = await postImport(api.url, { source: 'shop', eventIdPath: 'id' }, file, { bearer: writerKey });
    expect(refused.status, refused.text).to.equal(202);
    expect(reportOf(refused).rejections.map((rejection) => rejection.errors)).to.deep.equal([
      [{ field: 'id', message: 'is not allowed here' }],
      [{ field: 'id', message: 'is not allowed here' }],
    ]);

    const ndjson = [
      { key: 'sh-1', amount: 7 },
      { key: 'sh-2', amount: 8 },
    ]
      .map((event) => JSON.stringify(event))
      .join('\n');
    const byKey = await postImport(api.url, { source: 'shop', eventIdPath: 'key' }, ndjson, {
      bearer: writerKey,
      contentType: 'application/x-ndjson',
    });
    expect(byKey.status, byKey.text).to.equal(202);
    expect(reportOf(byKey).counts.accepted).to.equal(2);
    expect(await intake.inbox.find('shop', 'sh-2')).to.include({
      importId: reportOf(byKey).id,
      workflowId: workflowIdOf('sh-2'),
    });
    await settledImport(reportOf(byKey).id, 2);
    expect((await recorded('sh-1')).input).to.deep.equal({ key: 'sh-1', amount: 7 });
  });

  it("lists imports newest first a page at a time, and pages through an import's rejected lines", async () => {
    const file = [
      'eventId,kind,order.key,order.amount:number',
      'pg-1,created,pg-a,1',
      'pg-2,created',
      'pg-3,created',
      'pg-4,created',
      'pg-5,created,pg-a,x',
    ].join('\n');
    const created = reportOf(await postImport(api.url, { source: 'orders' }, file, { bearer: writerKey }));
    expect(created.counts.rejected).to.equal(4);

    const first = await call(api.url, 'GET', '/v1/imports?pageSize=2&source=orders', { bearer: readerKey });
    expect(first.status, first.text).to.equal(200);
    const items = first.body.items as { id: string; status: string }[];
    expect(items[0]!.id).to.equal(created.id);
    expect(items).to.have.length(2);
    const second = await call(
      api.url,
      'GET',
      `/v1/imports?pageSize=2&source=orders&pageToken=${String(first.body.nextPageToken)}`,
      { bearer: readerKey },
    );
    expect((second.body.items as { id: string }[]).every((item) => Number(item.id) < Number(items[1]!.id))).to.equal(
      true,
    );
    expect((await call(api.url, 'GET', '/v1/imports?status=running', { bearer: readerKey })).body.items).to.deep.equal(
      [],
    );

    const page1 = await call(api.url, 'GET', `${created.links.rejections}?pageSize=3`, { bearer: readerKey });
    expect(page1.status, page1.text).to.equal(200);
    expect((page1.body.items as Rejection[]).map((rejection) => rejection.line)).to.deep.equal([3, 4, 5]);
    const page2 = await call(
      api.url,
      'GET',
      `${created.links.rejections}?pageSize=3&pageToken=${String(page1.body.nextPageToken)}`,
      { bearer: readerKey },
    );
    expect((page2.body.items as Rejection[]).map((rejection) => rejection.line)).to.deep.equal([6]);
    expect(page2.body.nextPageToken).to.equal(null);
    expectProblem(await call(api.url, 'GET', '/v1/imports/999999', { bearer: readerKey }), 404, 'import-not-found');
    expectProblem(await call(api.url, 'GET', '/v1/imports/abc', { bearer: readerKey }), 400, 'validation-error');
  });

  it('refuses without writing anything: 401 without a key, 403 without runs:write, 400 unknown source or no file, 415 another format, 413 over the import limit', async () => {
    const rows = await db.models.InboxEvent.count();
    const imports = await db.models.EventImport.count();
    const file = 'eventId,kind,order.key,order.amount:number\nno-1,created,no-a,1\n';
    expectProblem(await postImport(api.url, { source: 'orders' }, file), 401, 'unauthorized');
    expectProblem(await postImport(api.url, { source: 'orders' }, file, { bearer: readerKey }), 403, 'forbidden');
    expectInvalid(await postImport(api.url, { source: 'nowhere' }, file, { bearer: writerKey }), ['source']);
    expectInvalid(await postImport(api.url, {}, file, { bearer: writerKey }), ['source']);
    expectProblem(
      await postImport(api.url, { source: 'orders' }, file, { bearer: writerKey, contentType: 'application/json' }),
      415,
      'unsupported-media-type',
    );
    expectProblem(
      await postImport(api.url, { source: 'orders' }, file, {
        bearer: writerKey,
        contentType: 'text/csv; charset=latin1',
      }),
      415,
      'unsupported-media-type',
    );
    expectProblem(await call(api.url, 'POST', '/v1/imports?source=orders', { bearer: writerKey }), 400, 'missing-file');

    // A declared length over the 200 MiB limit is refused before a byte of the file is read.
    const declared = await new Promise<{ status: number; body: string; connection: string | undefined }>(
      (resolve, reject) => {
        const req = httpRequest(`${api.url}/v1/imports?source=orders`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${writerKey}`,
            'content-type': 'text/csv',
            'content-length': String(200 * 1024 * 1024 + 1),
          },
        });
        req.on('response', (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }));
        });
        req.on('error', reject);
        req.write(file);
      },
    );
    expect(declared.status, declared.body).to.equal(413);
    expect(JSON.parse(declared.body)).to.include({ type: '/problems/payload-too-large' });
    expect(declared.connection).to.equal('close');

    expect(await db.models.InboxEvent.count()).to.equal(rows);
    expect(await db.models.EventImport.count()).to.equal(imports);
  });

  describe('with small limits: a backlog of 20 events, batches of 10, 6 s of patience, files up to 64 KiB', () => {
    let limited: IntakeApi;
    let limitedDb: TestDatabase;
    let limitedIntake: EventIntake;
    let limitedApi: RunningApiServer;
    let limitedConsumer: IntakeConsumer | undefined;
    let limitedKey: string;
    const limitedQueue = uniqueId('import-e2e-limited');

    before(async () => {
      limited = await openIntakeApi({
        label: 'api_imports_lim',
        config: loadConfig({
          TEMPORAL_NAMESPACE: config.temporal.namespace,
          TEMPORAL_TASK_QUEUE: config.temporal.taskQueue,
          REDIS_URL,
          INTAKE_BACKLOG_LIMIT: '20',
        }),
        temporal,
        catalog,
        sourcesYaml: sourcesYaml(),
        secrets: SECRETS,
        queueName: limitedQueue,
        importLimits: { batchRows: 10, backlogWaitMs: 6_000, maxBytes: 65_536, progressEveryMs: 100 },
      });
      ({ db: limitedDb, intake: limitedIntake, api: limitedApi } = limited);
      limitedKey = await limited.createKey('ops', ['runs:read', 'runs:write']);
    });

    after(async () => {
      await limitedConsumer?.close();
      await limited?.close();
    });

    const file = (count: number, from = 0) =>
      [
        'eventId,kind,order.key,order.amount:number',
        ...Array.from({ length: count }, (_, i) => `lim-${from + i},created,lim-${from + i},1`),
      ].join('\n');

    const consume = () =>
      startIntakeConsumer({
        redisUrl: REDIS_URL,
        client: temporal,
        taskQueue: config.temporal.taskQueue,
        inbox: limitedIntake.inbox,
        maxAttempts: 3,
        backoff: { baseMs: 100, maxMs: 400 },
        concurrency: 10,
        queueName: limitedQueue,
      });
    const pendingRows = () => limitedDb.models.InboxEvent.count({ where: { status: 'pending' } });

    it('pauses at the backlog limit while nothing delivers, and goes on once consumers drain the backlog', async () => {
      const reply = postImport(limitedApi.url, { source: 'orders' }, file(50), { bearer: limitedKey });
      // Two batches of ten fill the backlog (limit 20); the third waits.
      const paused = await eventuallyFound(
        'import paused at the backlog',
        async () => {
          const list = await call(limitedApi.url, 'GET', '/v1/imports?status=running', { bearer: limitedKey });
          const running = (list.body.items as { id: string; counts: ImportReport['counts'] }[])[0];
          return running && running.counts.accepted === 20 ? running : undefined;
        },
        { timeoutMs: 5_000, intervalMs: 100 },
      );
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const still = await call(limitedApi.url, 'GET', `/v1/imports/${paused.id}`, { bearer: limitedKey });
      expect(still.body).to.deep.include({ status: 'running' });
      expect((still.body.counts as ImportReport['counts']).accepted, 'nothing stored while paused').to.equal(20);
      expect(await pendingRows()).to.equal(20);

      limitedConsumer = consume();
      const done = await reply;
      expect(done.status, done.text).to.equal(202);
      expect(reportOf(done)).to.deep.include({ id: paused.id, status: 'completed' });
      expect(reportOf(done).counts).to.include({ accepted: 50, duplicates: 0, rejected: 0 });
      await eventuallyFound(
        'all delivered',
        async () =>
          (await limitedDb.models.InboxEvent.count({ where: { status: 'done' } })) === 50 ? true : undefined,
        { timeoutMs: 60_000 },
      );
    });

    it('when the backlog does not drain, stops with 429 saying how far it got; a new import is then refused up front with nothing written; once drained, the file sent again accepts the rest as its first rows are duplicates', async () => {
      await limitedConsumer?.close();
      limitedConsumer = undefined;
      const started = Date.now();
      const reply = await postImport(limitedApi.url, { source: 'orders' }, file(50, 100), { bearer: limitedKey });
      expect(Date.now() - started, 'paused before giving up').to.be.at.least(6_000);
      expectProblem(reply, 429, 'import-backlog-full');
      expect(reply.headers.get('retry-after')).to.equal('30');
      const report = reply.body.import as ImportReport;
      expect(report.status).to.equal('failed');
      expect(report.failure!.code).to.equal('backlog-full');
      expect(report.failure!.detail).to.contain('with 20 rows accepted');
      expect(report.counts.accepted).to.equal(20);
      expect(await limitedDb.models.InboxEvent.count({ where: { importId: report.id } })).to.equal(20);
      const shown = await call(limitedApi.url, 'GET', `/v1/imports/${report.id}`, { bearer: limitedKey });
      expect(shown.body).to.deep.include({ status: 'failed', failure: report.failure });

      const imports = await limitedDb.models.EventImport.count();
      const rows = await limitedDb.models.InboxEvent.count();
      expectProblem(
        await postImport(limitedApi.url, { source: 'orders' }, file(5, 500), { bearer: limitedKey }),
        429,
        'backlog-full',
      );
      expect(await limitedDb.models.EventImport.count()).to.equal(imports);
      expect(await limitedDb.models.InboxEvent.count()).to.equal(rows);

      limitedConsumer = consume();
      await eventuallyFound('backlog drained', async () => ((await pendingRows()) === 0 ? true : undefined), {
        timeoutMs: 60_000,
      });
      const again = await postImport(limitedApi.url, { source: 'orders' }, file(50, 100), { bearer: limitedKey });
      expect(again.status, again.text).to.equal(202);
      expect(reportOf(again).counts).to.include({ accepted: 30, duplicates: 20, rejected: 0 });
    });

    it('stops with 413 once a stream without a length passes the import limit; rows accepted until then stay accepted', async () => {
      // The consumer is still delivering the previous test's rows; a backlog at its limit would refuse this import up front.
      await eventuallyFound('backlog drained', async () => ((await pendingRows()) === 0 ? true : undefined), {
        timeoutMs: 60_000,
      });
      // About 1 KB a row: some 60 rows fit under this app's limit of 64 KiB, half of them read ahead by the parser when the limit is hit.
      const lines = [
        'eventId,kind,order.key,order.amount:number',
        ...Array.from({ length: 400 }, (_, i) => `big-${i},created-${'x'.repeat(1_000)},big-${i},1`),
      ];
      const reply = await postImport(limitedApi.url, { source: 'orders' }, streamed(lines, 1_024), {
        bearer: limitedKey,
      });
      expectProblem(reply, 413, 'import-too-large');
      const report = reply.body.import as ImportReport;
      expect(report.failure!.code).to.equal('too-large');
      expect(report.counts.accepted).to.be.greaterThan(0);
      expect(await limitedDb.models.InboxEvent.count({ where: { importId: report.id } })).to.equal(
        report.counts.accepted,
      );
    });
  });

  describe('memory', () => {
    let memory: IntakeApi;
    let memoryApi: RunningApiServer;
    let memoryKey: string;

    before(async () => {
      // No consumer: the rows stay pending, the test measures the import alone.
      memory = await openIntakeApi({
        label: 'api_imports_mem',
        config,
        temporal,
        catalog,
        sourcesYaml: sourcesYaml(),
        secrets: SECRETS,
        queueName: uniqueId('import-e2e-mem'),
      });
      memoryApi = memory.api;
      memoryKey = await memory.createKey('ops', ['runs:write', 'runs:read']);
    });

    after(async () => {
      await memory?.close();
    });

    it('streams a 50,000-row file (about 55 MB) with the live heap growing by far less than the file', async () => {
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as () => void;
      const memo = 'm'.repeat(1_000);
      const rows = (function* () {
        for (let i = 0; i < 50_000; i++)
          yield JSON.stringify({ eventId: `mem-${i}`, kind: 'created', order: { key: `mem-${i}`, amount: 1 }, memo });
      })();
      gc();
      const baseline = process.memoryUsage().heapUsed;
      let peakLive = baseline;
      let done = false;
      // Live heap after a full collection: what the import holds, not garbage awaiting collection.
      const sampler = (async () => {
        while (!done) {
          await new Promise((resolve) => setTimeout(resolve, 250));
          gc();
          peakLive = Math.max(peakLive, process.memoryUsage().heapUsed);
        }
      })();
      const started = Date.now();
      const reply = await postImport(memoryApi.url, { source: 'orders' }, streamed(rows), {
        bearer: memoryKey,
        contentType: 'application/x-ndjson',
      });
      done = true;
      await sampler;
      const seconds = (Date.now() - started) / 1000;
      expect(reply.status, reply.text).to.equal(202);
      expect(reportOf(reply).counts).to.include({ rows: 50_000, accepted: 50_000 });
      const growthMb = (peakLive - baseline) / 1024 / 1024;
      console.log(
        `      50,000 rows (${((50_000 * (memo.length + 80)) / 1e6).toFixed(0)} MB) in ${seconds.toFixed(1)} s (${(50_000 / seconds).toFixed(0)} rows/s); live heap growth at most ${growthMb.toFixed(1)} MB`,
      );
      expect(growthMb).to.be.below(30);
    });
  });
});
