import { Client, Connection, ScheduleNotFoundError } from '@temporalio/client';
import { expect } from 'chai';
import { Op } from 'sequelize';
import winston from 'winston';
import { loadConfig, type Config } from '../../config';
import { createApp } from '../../server/api/app';
import { createApiKeysService } from '../../server/auth/api-keys.service';
import { startApiServer, type RunningApiServer } from '../../server/api/server';
import { getLogger, replaceLogger, type Logger } from '../../logging/logger';
import { resolveScheduleSpec } from '../../server/schedules/resolve-spec';
import { toScheduleOptions } from '../../server/schedules/schedule-options';
import { scheduleSpecSchema } from '../../server/schedules/schedule-spec';
import { PROCESS_CATALOG } from '../../workflows/catalog';
import { expectProblem, keyedCall, type Reply } from '../support/api-client';
import { newOrderInput, uniqueId } from '../support/order-fixtures';
import { eventually } from '../support/eventually';
import { getDevServer } from '../support/temporal-test-servers';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { terminateRuns } from '../support/temporal-cleanup';

interface ActionView {
  scheduledAt: string;
  workflowId: string;
  runId: string;
  links: { run: string };
}

interface ScheduleView {
  id: string;
  managedBy: string | null;
  workflow: string;
  spec: Record<string, unknown> | null;
  state: { paused: boolean; note: string | null };
  info: { recentActions: ActionView[]; nextActionTimes: string[]; actionCount: number };
  links: { self: string };
}

const HOUR_MS = 3_600_000;
// Once a year at midnight on 1 January: never fires while these tests run.
const YEARLY = '0 0 1 1 *';

describe('API schedules (e2e): /v1/schedules on the Temporal dev server', function () {
  this.timeout(90_000);
  let db: TestDatabase;
  let connection: Connection;
  let temporal: Client;
  let config: Config;
  let server: RunningApiServer;
  let writerKey: string;
  let readerKey: string;
  let runsWriterKey: string;
  let previousLogger: Logger;
  const created = new Set<string>();

  const call = keyedCall(
    () => server.url,
    () => writerKey,
  );

  const fieldsOf = (reply: Reply): string[] =>
    ((reply.body.errors as { field: string }[] | undefined) ?? []).map((error) => error.field);

  function newSpec(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      id: uniqueId('sched'),
      description: 'test schedule',
      workflow: 'orderToCash',
      input: newOrderInput(),
      cron: YEARLY,
      ...overrides,
    };
  }

  async function createSchedule(spec = newSpec()): Promise<{ spec: Record<string, unknown>; reply: Reply }> {
    created.add(String(spec.id));
    return { spec, reply: await call('POST', '/v1/schedules', { body: spec }) };
  }

  /** A schedule as start-up sync would create it from config/schedules.yaml. */
  async function createConfigSchedule(): Promise<string> {
    const parsed = scheduleSpecSchema.parse(newSpec());
    const resolved = resolveScheduleSpec(parsed.id, parsed, { catalog: PROCESS_CATALOG });
    if (!resolved.success) expect.fail(JSON.stringify(resolved.issues));
    created.add(parsed.id);
    await temporal.schedule.create(
      toScheduleOptions(resolved.schedule.spec, resolved.schedule.process, {
        taskQueue: config.temporal.taskQueue,
        managedBy: 'config',
      }),
    );
    return parsed.id;
  }

  const view = async (id: string): Promise<ScheduleView> =>
    (await call('GET', `/v1/schedules/${id}`, { key: readerKey })).body as unknown as ScheduleView;

  before(async () => {
    previousLogger = getLogger();
    replaceLogger(winston.createLogger({ silent: true }));
    db = await createTestDatabase('api_schedules');
    const temporalServer = await getDevServer();
    connection = await Connection.connect({ address: temporalServer.address });
    temporal = new Client({ connection, namespace: temporalServer.namespace });
    // No worker polls this queue: triggered runs stay RUNNING, which is all these tests need.
    config = loadConfig(
      { TEMPORAL_NAMESPACE: temporalServer.namespace, TEMPORAL_TASK_QUEUE: uniqueId('api-schedules') },
      false,
    );
    server = await startApiServer(createApp({ config, temporal, models: db.models }), 0);
    const keys = createApiKeysService({ apiKeys: db.models.ApiKey });
    // A schedule starts runs: the scheduler may start the process it schedules (here only orderToCash).
    writerKey = (
      await keys.createKey({ name: 'scheduler', scopes: ['runs:read', 'schedules:write', 'runs:write:orderToCash'] })
    ).key;
    readerKey = (await keys.createKey({ name: 'dashboard', scopes: ['runs:read'] })).key;
    runsWriterKey = (await keys.createKey({ name: 'shop', scopes: ['runs:read', 'runs:write'] })).key;
  });

  after(async () => {
    const started: string[] = [];
    for (const id of created) {
      const handle = temporal.schedule.getHandle(id);
      const description = await handle.describe().catch(() => null);
      started.push(...(description?.info.recentActions.map((action) => action.action.workflow.workflowId) ?? []));
      await handle.delete().catch(() => undefined);
    }
    await terminateRuns(temporal, started);
    await server?.close();
    await connection?.close();
    await db?.destroy();
    replaceLogger(previousLogger);
  });

  describe('POST /v1/schedules', () => {
    it('creates a real Temporal Schedule (201, Location) marked API-managed, and answers its view', async () => {
      const { spec, reply } = await createSchedule(
        newSpec({ timezone: 'Europe/Berlin', overlap: 'buffer_one', catchupWindow: '1 day' }),
      );
      expect(reply.status, JSON.stringify(reply.body)).to.equal(201);
      expect(reply.headers.get('location')).to.equal(`/v1/schedules/${String(spec.id)}`);
      const body = reply.body as unknown as ScheduleView;
      expect(body).to.include({ id: spec.id, managedBy: 'api', workflow: 'orderToCash' });
      expect(body.spec).to.deep.equal({
        ...spec,
        paused: false,
        timezone: 'Europe/Berlin',
        overlap: 'buffer_one',
        catchupWindow: '1 day',
      });
      expect(body.state).to.deep.equal({ paused: false, note: null });
      // Midnight on 1 January in Berlin is 23:00 UTC on 31 December.
      expect(body.info.nextActionTimes[0]).to.match(/-12-31T23:00:00\.000Z$/);
      expect(body.links).to.deep.equal({ self: `/v1/schedules/${String(spec.id)}` });

      const description = await temporal.schedule.getHandle(String(spec.id)).describe();
      expect(description.memo).to.deep.equal({ managedBy: 'api' });
      expect(description.action).to.include({
        workflowType: 'orderToCash',
        workflowId: `schedule-${String(spec.id)}`,
        taskQueue: config.temporal.taskQueue,
      });
      expect(description.spec.timezone).to.equal('Europe/Berlin');
      expect(description.policies).to.deep.include({ overlap: 'BUFFER_ONE', catchupWindow: 86_400_000 });
    });

    it('answers 409 when a schedule with the id exists', async () => {
      const { spec } = await createSchedule();
      expectProblem(await call('POST', '/v1/schedules', { body: { ...spec, cron: '@daily' } }), 409, 'schedule-exists');
      expect((await view(String(spec.id))).spec?.cron).to.equal(YEARLY);
    });

    it('answers 400 naming each offending field, including input fields and what only Temporal checks, and creates nothing', async () => {
      const noTiming = newSpec({ cron: undefined });
      expect(fieldsOf(await call('POST', '/v1/schedules', { body: noTiming }))).to.deep.equal(['cron']);
      const input = newOrderInput();
      const badInput = await call('POST', '/v1/schedules', {
        body: newSpec({ input: { ...input, customer: { ...input.customer, email: 'nope' } } }),
      });
      expectProblem(badInput, 400, 'validation-error');
      expect(badInput.body.errors).to.deep.equal([{ field: 'input.customer.email', message: 'Invalid email address' }]);
      expect(
        fieldsOf(await call('POST', '/v1/schedules', { body: newSpec({ workflow: 'launchRockets' }) })),
      ).to.deep.equal(['workflow']);
      expect(
        fieldsOf(
          await call('POST', '/v1/schedules', { body: newSpec({ timezone: 'Mars/Olympus', overlap: 'never' }) }),
        ),
      ).to.deep.equal(['timezone', 'overlap']);
      const refused = newSpec({ cron: '61 * * * *' });
      const refusedReply = await call('POST', '/v1/schedules', { body: refused });
      expectProblem(refusedReply, 400);
      expect(fieldsOf(refusedReply)).to.deep.equal(['cron']);
      expect(
        await temporal.schedule
          .getHandle(String(refused.id))
          .describe()
          .catch((e: unknown) => e),
      ).to.be.instanceOf(ScheduleNotFoundError);
    });

    it('answers 401 without a key and 403 to keys without schedules:write', async () => {
      expectProblem(await call('POST', '/v1/schedules', { key: null, body: newSpec() }), 401);
      expectProblem(await call('POST', '/v1/schedules', { key: readerKey, body: newSpec() }), 403);
      expectProblem(await call('POST', '/v1/schedules', { key: runsWriterKey, body: newSpec() }), 403);
    });
  });

  describe('GET /v1/schedules and /v1/schedules/:id', () => {
    it('lists schedules page by page with a runs:read key', async () => {
      const ids = [(await createSchedule()).spec.id, (await createSchedule()).spec.id] as string[];
      const listAll = async (): Promise<{ ids: string[]; pages: number }> => {
        const seen: string[] = [];
        let token: string | null = null;
        let pages = 0;
        do {
          const reply = await call('GET', `/v1/schedules?pageSize=1${token ? `&pageToken=${token}` : ''}`, {
            key: readerKey,
          });
          expect(reply.status, JSON.stringify(reply.body)).to.equal(200);
          const items = reply.body.items as {
            id: string;
            managedBy: string;
            workflow: string;
            state: unknown;
            links: unknown;
          }[];
          expect(items.length).to.be.at.most(1);
          seen.push(...items.map((item) => item.id));
          token = reply.body.nextPageToken as string | null;
          pages += 1;
        } while (token && pages < 200);
        return { ids: seen, pages };
      };
      const listed = await eventually('every schedule listed', listAll, (result) =>
        ids.every((id) => result.ids.includes(id)),
      );
      expect(listed.ids).to.include.members(ids);
      expect(listed.pages).to.be.at.least(2);

      const first = (await call('GET', '/v1/schedules?pageSize=100', { key: readerKey })).body.items as {
        id: string;
      }[];
      expect(first.find((item) => item.id === ids[0])).to.deep.include({
        managedBy: 'api',
        workflow: 'orderToCash',
        state: { paused: false, note: null },
      });
    });

    it('refuses a malformed page token or page size with 400', async () => {
      expect(fieldsOf(await call('GET', '/v1/schedules?pageToken=AAAAAAAAAAAAAAAA', { key: readerKey }))).to.deep.equal(
        ['pageToken'],
      );
      expect(fieldsOf(await call('GET', '/v1/schedules?pageSize=0', { key: readerKey }))).to.deep.equal(['pageSize']);
    });

    it('answers one schedule to a reader, 404 for an unknown id, 400 for a malformed one and 401 without a key', async () => {
      const { spec } = await createSchedule();
      const reply = await call('GET', `/v1/schedules/${String(spec.id)}`, { key: readerKey });
      expect(reply.status).to.equal(200);
      expect((reply.body as unknown as ScheduleView).spec).to.deep.include({
        id: spec.id,
        cron: YEARLY,
        input: spec.input,
      });
      expectProblem(
        await call('GET', `/v1/schedules/${uniqueId('missing')}`, { key: readerKey }),
        404,
        'schedule-not-found',
      );
      expect(fieldsOf(await call('GET', '/v1/schedules/-bad-', { key: readerKey }))).to.deep.equal(['id']);
      expectProblem(await call('GET', '/v1/schedules', { key: null }), 401);
    });
  });

  describe('PUT /v1/schedules/:id', () => {
    it('replaces the spec; a GET spec sent back keeps the live paused state', async () => {
      const { spec } = await createSchedule();
      const id = String(spec.id);
      const replaced = await call('PUT', `/v1/schedules/${id}`, {
        body: { ...spec, id: undefined, cron: undefined, every: '6h', description: 'every six hours' },
      });
      expect(replaced.status, JSON.stringify(replaced.body)).to.equal(200);
      expect((replaced.body as unknown as ScheduleView).spec).to.deep.include({
        every: '6h',
        description: 'every six hours',
      });
      expect((replaced.body as unknown as ScheduleView).spec).not.to.have.property('cron');
      expect((await temporal.schedule.getHandle(id).describe()).spec.intervals?.[0]?.every).to.equal(6 * HOUR_MS);

      await call('POST', `/v1/schedules/${id}/pause`, { body: { note: 'hold' } });
      const current = await view(id);
      const roundTrip = await call('PUT', `/v1/schedules/${id}`, { body: { ...current.spec, overlap: 'allow_all' } });
      expect(roundTrip.status, JSON.stringify(roundTrip.body)).to.equal(200);
      expect((roundTrip.body as unknown as ScheduleView).state).to.deep.equal({ paused: true, note: 'hold' });
      expect((await temporal.schedule.getHandle(id).describe()).policies.overlap).to.equal('ALLOW_ALL');
    });

    it('answers 400 for a body id other than the path, 404 for an unknown schedule, 409 for a config schedule, 403 without schedules:write', async () => {
      const { spec } = await createSchedule();
      expect(
        fieldsOf(await call('PUT', `/v1/schedules/${String(spec.id)}`, { body: { ...spec, id: 'other' } })),
      ).to.deep.equal(['id']);
      expect(
        fieldsOf(await call('PUT', `/v1/schedules/${String(spec.id)}`, { body: { ...spec, every: '1h' } })),
      ).to.deep.equal(['every']);
      expectProblem(
        await call('PUT', `/v1/schedules/${uniqueId('missing')}`, { body: { ...spec, id: undefined } }),
        404,
        'schedule-not-found',
      );
      const configId = await createConfigSchedule();
      expectProblem(
        await call('PUT', `/v1/schedules/${configId}`, { body: { ...spec, id: undefined } }),
        409,
        'managed-by-config',
      );
      expect((await view(configId)).spec?.cron).to.equal(YEARLY);
      expectProblem(await call('PUT', `/v1/schedules/${String(spec.id)}`, { key: readerKey, body: spec }), 403);
    });
  });

  describe('DELETE /v1/schedules/:id', () => {
    it('deletes an API schedule (204), refuses a config schedule (409) and answers 404 after', async () => {
      const { spec } = await createSchedule();
      expectProblem(await call('DELETE', `/v1/schedules/${String(spec.id)}`, { key: readerKey }), 403);
      const deleted = await call('DELETE', `/v1/schedules/${String(spec.id)}`);
      expect(deleted.status).to.equal(204);
      expect(
        await temporal.schedule
          .getHandle(String(spec.id))
          .describe()
          .catch((e: unknown) => e),
      ).to.be.instanceOf(ScheduleNotFoundError);
      expectProblem(await call('DELETE', `/v1/schedules/${String(spec.id)}`), 404, 'schedule-not-found');
      const configId = await createConfigSchedule();
      expectProblem(await call('DELETE', `/v1/schedules/${configId}`), 409, 'managed-by-config');
      expect((await view(configId)).managedBy).to.equal('config');
    });
  });

  describe('pause and unpause', () => {
    it('pauses and unpauses with a note, config schedules included; 404 for an unknown one; 403 for a reader', async () => {
      const configId = await createConfigSchedule();
      const paused = await call('POST', `/v1/schedules/${configId}/pause`, { body: { note: 'vendor maintenance' } });
      expect(paused.status, JSON.stringify(paused.body)).to.equal(200);
      expect((paused.body as unknown as ScheduleView).state).to.deep.equal({
        paused: true,
        note: 'vendor maintenance',
      });
      expect((await temporal.schedule.getHandle(configId).describe()).state).to.include({
        paused: true,
        note: 'vendor maintenance',
      });

      const unpaused = await call('POST', `/v1/schedules/${configId}/unpause`);
      expect(unpaused.status).to.equal(200);
      expect((unpaused.body as unknown as ScheduleView).state.paused).to.equal(false);
      expect((await temporal.schedule.getHandle(configId).describe()).state.paused).to.equal(false);

      expectProblem(await call('POST', `/v1/schedules/${uniqueId('missing')}/pause`), 404, 'schedule-not-found');
      expect(fieldsOf(await call('POST', `/v1/schedules/${configId}/pause`, { body: { note: 7 } }))).to.deep.equal([
        'note',
      ]);
      expectProblem(await call('POST', `/v1/schedules/${configId}/unpause`, { key: readerKey }), 403);
    });
  });

  describe('POST /v1/schedules/:id/trigger', () => {
    it("starts the schedule's workflow now (202): a run named schedule-<id>-<time> with the schedule's input", async () => {
      const { spec } = await createSchedule();
      const id = String(spec.id);
      const reply = await call('POST', `/v1/schedules/${id}/trigger`);
      expect(reply.status, JSON.stringify(reply.body)).to.equal(202);
      expect(reply.body).to.deep.equal({ id, overlap: 'allow_all', links: { self: `/v1/schedules/${id}` } });

      const after = await eventually(
        'the triggered action',
        () => view(id),
        (current) => current.info.recentActions.length > 0,
      );
      expect(after.info.recentActions).to.have.length(1);
      const action = after.info.recentActions[0]!;
      expect(action.workflowId.startsWith(`schedule-${id}-`)).to.equal(true);
      expect(action.links.run).to.equal(`/v1/runs/${encodeURIComponent(action.workflowId)}`);
      const run = await temporal.workflow.getHandle(action.workflowId).describe();
      expect(run.type).to.equal('orderToCash');
      expect(run.taskQueue).to.equal(config.temporal.taskQueue);
      expect(run.runId).to.equal(action.runId);
      expect(run.typedSearchAttributes.getAll().find((pair) => pair.key.name === 'BusinessKey')?.value).to.equal(
        (spec.input as { orderId: string }).orderId,
      );
    });

    it('answers 404 for an unknown schedule, 400 for an unknown overlap policy and 403 for a reader', async () => {
      const { spec } = await createSchedule();
      expectProblem(await call('POST', `/v1/schedules/${uniqueId('missing')}/trigger`), 404, 'schedule-not-found');
      expect(
        fieldsOf(await call('POST', `/v1/schedules/${String(spec.id)}/trigger`, { body: { overlap: 'sometimes' } })),
      ).to.deep.equal(['overlap']);
      expectProblem(await call('POST', `/v1/schedules/${String(spec.id)}/trigger`, { key: readerKey }), 403);
    });
  });

  describe('POST /v1/schedules/:id/backfill', () => {
    it('takes the actions the schedule would have taken in a past range (202), one run per scheduled time', async () => {
      const { spec } = await createSchedule(newSpec({ cron: '0 * * * *' }));
      const id = String(spec.id);
      const hour = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
      // Three whole hours: (h-3, h-2, h-1) fall inside [h-3h-30m, h-30m].
      const from = new Date(hour - 3 * HOUR_MS - HOUR_MS / 2);
      const to = new Date(hour - HOUR_MS / 2);
      const reply = await call('POST', `/v1/schedules/${id}/backfill`, {
        body: { from: from.toISOString(), to: to.toISOString(), overlap: 'allow_all' },
      });
      expect(reply.status, JSON.stringify(reply.body)).to.equal(202);
      expect(reply.body).to.deep.include({
        id,
        from: from.toISOString(),
        to: to.toISOString(),
        overlap: 'allow_all',
        actions: 3,
      });

      const after = await eventually(
        'three backfilled actions',
        () => view(id),
        (current) => current.info.recentActions.length >= 3,
      );
      const expected = [3, 2, 1].map(
        (hours) => `schedule-${id}-${new Date(hour - hours * HOUR_MS).toISOString().replace('.000Z', 'Z')}`,
      );
      expect(after.info.recentActions.map((action) => action.workflowId).sort()).to.deep.equal(expected.sort());
    });

    it('answers 400 naming `to` for an empty, too long or too dense range, 404 for an unknown schedule, 403 for a reader', async () => {
      const { spec } = await createSchedule(newSpec({ cron: undefined, every: '1s', paused: true }));
      const id = String(spec.id);
      const now = Date.now();
      const range = (fromMs: number, toMs: number) => ({
        from: new Date(fromMs).toISOString(),
        to: new Date(toMs).toISOString(),
      });
      expect(
        fieldsOf(await call('POST', `/v1/schedules/${id}/backfill`, { body: range(now, now - HOUR_MS) })),
      ).to.deep.equal(['to']);
      expect(
        fieldsOf(await call('POST', `/v1/schedules/${id}/backfill`, { body: range(now - 400 * 24 * HOUR_MS, now) })),
      ).to.deep.equal(['to']);
      const dense = await call('POST', `/v1/schedules/${id}/backfill`, { body: range(now - HOUR_MS, now) });
      expect(fieldsOf(dense)).to.deep.equal(['to']);
      expect(JSON.stringify(dense.body.errors)).to.contain('more than 500 scheduled times');
      expect(
        fieldsOf(
          await call('POST', `/v1/schedules/${id}/backfill`, {
            body: { from: 'yesterday', to: new Date(now).toISOString() },
          }),
        ),
      ).to.deep.equal(['from']);
      expectProblem(
        await call('POST', `/v1/schedules/${uniqueId('missing')}/backfill`, { body: range(now - HOUR_MS, now) }),
        404,
        'schedule-not-found',
      );
      expectProblem(
        await call('POST', `/v1/schedules/${id}/backfill`, { key: readerKey, body: range(now - HOUR_MS, now) }),
        403,
      );
      expect((await view(id)).info.actionCount).to.equal(0);
    });
  });

  it('audits every schedule mutation with its action, target and outcome', async () => {
    const { spec } = await createSchedule();
    const id = String(spec.id);
    await call('POST', `/v1/schedules/${id}/pause`);
    await call('POST', `/v1/schedules/${id}/trigger`, { key: readerKey });
    await call('DELETE', `/v1/schedules/${id}`);
    const rows = await eventually(
      'four audit rows',
      () =>
        db.models.AuditEntry.findAll({
          where: { target: id, action: { [Op.like]: 'schedules.%' } },
          order: [['id', 'ASC']],
        }),
      (found) => found.length >= 4,
    );
    expect(rows.map((row) => [row.action, row.outcome, row.statusCode])).to.deep.equal([
      ['schedules.create', 'success', 201],
      ['schedules.pause', 'success', 200],
      ['schedules.trigger', 'failure', 403],
      ['schedules.delete', 'success', 204],
    ]);
  });
});
