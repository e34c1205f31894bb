import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, ScheduleNotFoundError, type ScheduleDescription } from '@temporalio/client';
import { expect } from 'chai';
import winston from 'winston';
import { loadConfig, type Config } from '../../config';
import { getLogger, replaceLogger, type Logger } from '../../logging/logger';
import { specMemoOf } from '../../server/schedules/schedule-memo';
import { SchedulesFileError } from '../../server/schedules/schedules-file';
import { createSchedulesService, type SchedulesService } from '../../server/schedules/schedules.service';
import { syncSchedulesFromConfig } from '../../server/schedules/sync-from-config';
import { PROCESS_CATALOG } from '../../workflows/catalog';
import { createProcessResolver } from '../../server/processes/process-resolver';
import { newOrderInput, uniqueId } from '../support/order-fixtures';
import { eventually } from '../support/eventually';
import { getDevServer } from '../support/temporal-test-servers';
import { deleteSchedules } from '../support/temporal-cleanup';

describe('schedules start-up sync: config/schedules.yaml → Temporal Schedules on the dev server', function () {
  this.timeout(120_000);
  let connection: Connection;
  let client: Client;
  let config: Config;
  let api: SchedulesService;
  let dir: string;
  let previousLogger: Logger;
  const run = uniqueId('sync');
  const ids = {
    hourly: `${run}-hourly`,
    nightly: `${run}-nightly`,
    apiOwned: `${run}-api`,
    contested: `${run}-contested`,
    bad: `${run}-bad`,
  };
  const input = newOrderInput();

  /** Writes the file and syncs it, as the API role does at start-up. */
  async function sync(yaml: string) {
    const file = join(dir, `${uniqueId('schedules')}.yaml`);
    await writeFile(file, yaml);
    return syncSchedulesFromConfig({ config, client, file });
  }

  const entry = (id: string, timing: string, extra = ''): string => `
  - id: ${id}
    workflow: orderToCash
    input: ${JSON.stringify(input)}
    ${timing}${extra}`;

  const describe_ = (id: string): Promise<ScheduleDescription> => client.schedule.getHandle(id).describe();
  const configIdsListed = async (): Promise<string[]> => {
    const found: string[] = [];
    for await (const summary of client.schedule.list())
      if (summary.memo?.managedBy === 'config') found.push(summary.scheduleId);
    return found;
  };

  before(async () => {
    previousLogger = getLogger();
    replaceLogger(winston.createLogger({ silent: true }));
    const server = await getDevServer();
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection, namespace: server.namespace });
    config = loadConfig({ TEMPORAL_NAMESPACE: server.namespace, TEMPORAL_TASK_QUEUE: uniqueId('sync-q') }, false);
    api = createSchedulesService({
      client,
      processes: createProcessResolver({ catalog: PROCESS_CATALOG }),
      taskQueue: config.temporal.taskQueue,
    });
    dir = await mkdtemp(join(tmpdir(), 'junction-schedules-'));
  });

  after(async () => {
    await deleteSchedules(client, Object.values(ids));
    await connection?.close();
    await rm(dir, { recursive: true, force: true });
    replaceLogger(previousLogger);
  });

  it('creates the declared schedules marked config-managed, then updates a changed one, deletes a removed one and never touches API schedules', async () => {
    const first = await sync(
      `schedules:${entry(ids.hourly, 'every: 1h')}${entry(ids.nightly, "cron: '0 2 * * *'", '\n    timezone: Europe/Berlin')}`,
    );
    expect(first.created).to.deep.equal([ids.hourly, ids.nightly]);
    expect([first.updated, first.deleted, first.conflicts]).to.deep.equal([[], [], []]);
    for (const id of [ids.hourly, ids.nightly]) {
      const description = await describe_(id);
      expect(description.memo).to.deep.equal({ managedBy: 'config' });
      expect(specMemoOf(description.action.memo)?.spec.id).to.equal(id);
      expect(description.action).to.include({
        workflowType: 'orderToCash',
        taskQueue: config.temporal.taskQueue,
        workflowId: `schedule-${id}`,
      });
      expect(description.action.args).to.deep.equal([input]);
    }
    expect((await describe_(ids.nightly)).spec.timezone).to.equal('Europe/Berlin');

    // An API schedule of its own, and one whose id the file will claim later.
    await api.create({
      id: ids.apiOwned,
      workflow: 'orderToCash',
      input,
      every: '1h',
      timezone: 'UTC',
      overlap: 'skip',
      paused: false,
    });
    await api.create({
      id: ids.contested,
      workflow: 'orderToCash',
      input,
      every: '3h',
      timezone: 'UTC',
      overlap: 'skip',
      paused: false,
    });
    const apiOwnedBefore = await describe_(ids.apiOwned);
    const contestedBefore = await describe_(ids.contested);

    // Deletion finds config schedules by listing, which trails the create by a moment.
    expect(await eventually('nightly listed', configIdsListed, (listed) => listed.includes(ids.nightly))).to.include(
      ids.nightly,
    );

    const second = await sync(`schedules:${entry(ids.hourly, 'every: 2h')}${entry(ids.contested, 'every: 4h')}`);
    expect(second).to.deep.include({
      created: [],
      updated: [ids.hourly],
      deleted: [ids.nightly],
      conflicts: [ids.contested],
      rejected: [],
    });
    expect((await describe_(ids.hourly)).spec.intervals?.map((interval) => interval.every)).to.deep.equal([7_200_000]);
    const gone = await describe_(ids.nightly).catch((error: unknown) => error);
    expect(gone).to.be.instanceOf(ScheduleNotFoundError);

    const apiOwnedAfter = await describe_(ids.apiOwned);
    const contestedAfter = await describe_(ids.contested);
    expect(apiOwnedAfter.info.lastUpdatedAt).to.deep.equal(apiOwnedBefore.info.lastUpdatedAt);
    expect(apiOwnedAfter.memo).to.deep.equal({ managedBy: 'api' });
    expect(contestedAfter.spec.intervals?.map((interval) => interval.every)).to.deep.equal([10_800_000]);
    expect(contestedAfter.info.lastUpdatedAt).to.deep.equal(contestedBefore.info.lastUpdatedAt);
    expect(contestedAfter.memo).to.deep.equal({ managedBy: 'api' });
  });

  it('an unchanged file changes nothing, so a pause made by ops survives restarts until the entry itself changes', async () => {
    const yaml = `schedules:${entry(ids.hourly, 'every: 2h')}`;
    await sync(yaml);
    await api.pause(ids.hourly, 'ops: vendor maintenance');
    const paused = await describe_(ids.hourly);

    const again = await sync(yaml);
    expect(again).to.deep.include({ created: [], updated: [], unchanged: [ids.hourly] });
    const afterRestart = await describe_(ids.hourly);
    expect(afterRestart.state).to.include({ paused: true, note: 'ops: vendor maintenance' });
    expect(afterRestart.info.lastUpdatedAt).to.deep.equal(paused.info.lastUpdatedAt);

    const changed = await sync(`schedules:${entry(ids.hourly, 'every: 2h', '\n    overlap: buffer_one')}`);
    expect(changed.updated).to.deep.equal([ids.hourly]);
    const applied = await describe_(ids.hourly);
    expect(applied.state.paused).to.equal(false);
    expect(applied.policies.overlap).to.equal('BUFFER_ONE');
  });

  it('a spec Temporal refuses fails start-up with a configuration error naming the schedule and field', async () => {
    const error = await sync(
      `schedules:${entry(ids.hourly, 'every: 2h', '\n    overlap: buffer_one')}${entry(ids.bad, "cron: '61 * * * *'")}`,
    ).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(SchedulesFileError);
    expect((error as SchedulesFileError).problems).to.have.length(1);
    expect((error as SchedulesFileError).problems[0]).to.match(
      new RegExp(`: schedule "${ids.bad}"\\.cron: refused by Temporal: .*[Mm]inute`),
    );
    expect(await describe_(ids.bad).catch((e: unknown) => e)).to.be.instanceOf(ScheduleNotFoundError);
  });

  it('a file that no longer declares any schedule deletes the config schedules, and API schedules stay', async () => {
    await sync(`schedules:${entry(ids.hourly, 'every: 2h')}`);
    await eventually('hourly listed', configIdsListed, (listed) => listed.includes(ids.hourly));
    const emptied = await sync('schedules: []\n');
    expect(emptied.deleted).to.include(ids.hourly);
    expect(await describe_(ids.hourly).catch((e: unknown) => e)).to.be.instanceOf(ScheduleNotFoundError);
    expect((await describe_(ids.apiOwned)).memo).to.deep.equal({ managedBy: 'api' });
  });
});
