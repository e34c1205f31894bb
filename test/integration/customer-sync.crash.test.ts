import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { expect } from 'chai';
import type { SyncContactPageResult } from '../../activities/customer-sync.activities';
import { loadConfig } from '../../config';
import { createApp } from '../../server/api/app';
import { createApiKeysService } from '../../server/auth/api-keys.service';
import { startApiServer, type RunningApiServer } from '../../server/api/server';
import type { CustomerSyncResult } from '../../workflows/customer-sync/customer-sync.types';
import type { Progress } from '../../workflows/shared/progress';
import { HubSpotFake } from '../fakes/hubspot-fake';
import { countErpCustomers } from '../support/customer-sync-fixtures';
import { activityAttempts, activityResults, type History } from '../support/history-inspection';
import { uniqueId } from '../support/order-fixtures';
import { startRoleProcess, type RoleProcess } from '../support/role-process';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { getDevServer } from '../support/temporal-test-servers';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const TOTAL = 10_000;
const PAGE_SIZE = 100; // HubSpot's search page limit
const PAGES_PER_RUN = 10;
/**
 * Events of one run: 12 per page (syncContactPage and saveSyncCursor: scheduled, started,
 * completed, each followed by a workflow task: scheduled, started, completed), plus a fixed part
 * (start, first workflow task, two search-attribute upserts, loadSyncCursor in the first run or
 * the summary in the last, continue-as-new or completion) and the few events a crashed worker's
 * timed-out workflow task adds. None of it depends on how many records the sync has in total.
 */
const EVENTS_PER_PAGE = 12;
const FIXED_EVENTS = 30;

interface RunView {
  workflowId: string;
  status: string;
  progress: Progress | null;
  result?: CustomerSyncResult;
}

interface HeartbeatedPage {
  cursor: string | null;
  done: string[];
}

describe(`customerSync over ${TOTAL} HubSpot contacts with a worker killed mid-run (dev server, worker processes, MariaDB, SMTP)`, function () {
  this.timeout(15 * 60_000);
  let db: TestDatabase;
  let smtp: SmtpSink;
  let hubspot: HubSpotFake;
  let connection: Connection;
  let client: Client;
  let api: RunningApiServer;
  let key: string;
  let workDir: string;
  let workerEnv: Record<string, string>;
  const workers: RoleProcess[] = [];
  const seededIds: string[] = [];
  let keepLogs = false;

  before(async function () {
    let server: { address: string; namespace: string };
    [db, smtp, hubspot, server] = await Promise.all([
      createTestDatabase('sync_10k'),
      startSmtpSink(),
      HubSpotFake.start(),
      getDevServer(),
    ]);
    // One millisecond apart, a day ago: the change feed's order is the seeding order.
    const from = Date.now() - 86_400_000;
    for (let i = 0; i < TOTAL; i++) {
      seededIds.push(
        hubspot.store.seed(
          'contacts',
          { email: `contact-${i}@crm.example`, firstname: 'Contact', lastname: `No ${i}` },
          from + i,
        ).id,
      );
    }
    workDir = await mkdtemp(join(tmpdir(), 'junction-sync-'));
    const connectorsFile = join(workDir, 'connectors.yaml');
    await writeFile(
      connectorsFile,
      [
        'instances:',
        '  crm.hubspot:',
        '    kind: crm',
        '    vendor: hubspot',
        '    settings:',
        `      baseUrl: ${hubspot.url}`,
        '    credentials:',
        "      accessToken: '${HUBSPOT_TOKEN}'",
        '',
      ].join('\n'),
    );
    workerEnv = {
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: server.namespace,
      TEMPORAL_TASK_QUEUE: uniqueId('sync-10k'),
      SMTP_URL: smtp.url,
      CONNECTORS_FILE: connectorsFile,
      HUBSPOT_TOKEN: hubspot.token,
      // The worker is another process: the operator's allow-list names the fake it talks to.
      CONNECTOR_EGRESS_ALLOW: new URL(hubspot.url).host,
      LOG_LEVEL: 'info',
      SHUTDOWN_GRACE_SECONDS: '5',
    };
    const config = loadConfig({ ...workerEnv, LOG_LEVEL: 'error' }, false);
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection, namespace: server.namespace });
    api = await startApiServer(createApp({ config, temporal: client, models: db.models }), 0);
    key = (
      await createApiKeysService({ apiKeys: db.models.ApiKey }).createKey({
        name: 'ops',
        scopes: ['runs:read', 'runs:write', 'runs:infrastructure'],
      })
    ).key;
  });

  after(async function () {
    for (const worker of workers) await worker.stop().catch(() => undefined);
    await api?.close();
    await connection?.close();
    await hubspot?.close();
    await smtp?.close();
    await db?.destroy();
    // The workers' logs are the first thing to read when the test failed.
    if (workDir && !keepLogs) await rm(workDir, { recursive: true, force: true });
    else if (workDir) console.error(`worker logs kept in ${workDir}`);
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') keepLogs = true;
  });

  async function startWorker(name: string): Promise<RoleProcess> {
    const worker = startRoleProcess('worker', name, workerEnv, join(workDir, `${name}.log`));
    workers.push(worker);
    await worker.ready();
    return worker;
  }

  async function getRun(workflowId: string): Promise<RunView> {
    const response = await fetch(`${api.url}/v1/runs/${workflowId}`, { headers: { authorization: `Bearer ${key}` } });
    expect(response.status).to.equal(200);
    return (await response.json()) as RunView;
  }

  /** The page activity in flight and the position it last heartbeated to the server, if any. */
  async function heartbeatedPage(handle: WorkflowHandle): Promise<HeartbeatedPage | null> {
    const description = await handle.describe();
    const pending = (description.raw.pendingActivities ?? []).find(
      (activity) => activity.activityType?.name === 'syncContactPage',
    );
    const data = pending?.heartbeatDetails?.payloads?.[0]?.data;
    return data ? (JSON.parse(Buffer.from(data).toString('utf8')) as HeartbeatedPage) : null;
  }

  async function historiesOfEveryRun(workflowId: string): Promise<History[]> {
    const histories: History[] = [];
    for await (const execution of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
      histories.push(await client.workflow.getHandle(workflowId, execution.runId).fetchHistory());
    }
    return histories;
  }

  it('when the worker is killed in the middle of a page, then a second worker resumes from its heartbeat and every contact becomes exactly one ERP customer', async function () {
    const startedAt = Date.now();
    await startWorker('worker-1');
    const syncName = uniqueId('crm-to-erp');
    const response = await fetch(`${api.url}/v1/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'customerSync',
        // Two upserts at a time keep a page in flight for about a second, so the kill lands inside one.
        input: {
          syncName,
          connectors: { crm: 'crm.hubspot', erp: 'erp.main', email: 'email.main' },
          pageSize: PAGE_SIZE,
          pagesPerRun: PAGES_PER_RUN,
          concurrency: 2,
          reportTo: ['ops@shop.example'],
        },
      }),
    });
    expect(response.status).to.equal(202);
    const { workflowId } = (await response.json()) as { workflowId: string };
    expect(workflowId).to.equal(`customer-sync-${syncName}`);
    const handle = client.workflow.getHandle(workflowId);

    // Kill once two runs have continued as new and the page in flight has its position on the server.
    let killPoint: { heartbeated: HeartbeatedPage; customers: number; progress: Progress | null } | null = null;
    const syncStartedAt = Date.now();
    while (!killPoint) {
      if (Date.now() - syncStartedAt > 300_000)
        throw new Error('no page with a heartbeated position was seen within 5 minutes');
      const customers = (await countErpCustomers(db.models, 'erp.main')).customers;
      if (customers === TOTAL)
        throw new Error(
          'the sync finished before a page had heartbeated its position: pages are shorter than HEARTBEAT_EVERY_MS here',
        );
      // Progress is read first: between seeing the heartbeated page and the kill nothing may wait.
      const progress = customers >= 2_500 ? (await getRun(workflowId)).progress : null;
      const heartbeated = progress ? await heartbeatedPage(handle) : null;
      if (heartbeated && heartbeated.done.length > 0) killPoint = { heartbeated, customers, progress };
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await workers[0]?.crash();
    const killedAt = Date.now();
    expect(killPoint.progress?.status).to.equal('RUNNING');
    expect(killPoint.progress?.details?.synced)
      .to.be.a('number')
      .within(1, TOTAL - 1);

    await startWorker('worker-2');
    const secondReadyAt = Date.now();
    let run = await getRun(workflowId);
    while (run.status === 'RUNNING') {
      if (Date.now() - killedAt > 600_000) throw new Error(`${workflowId} still running 10 minutes after the crash`);
      await new Promise((resolve) => setTimeout(resolve, 500));
      run = await getRun(workflowId);
    }
    const finishedAt = Date.now();

    expect(run.status).to.equal('COMPLETED');
    expect(run.result?.totals).to.deep.equal({
      pages: TOTAL / PAGE_SIZE,
      listed: TOTAL,
      synced: TOTAL,
      skipped: 0,
      failed: 0,
    });
    expect(run.result?.runs).to.equal(TOTAL / PAGE_SIZE / PAGES_PER_RUN);

    // Every contact is one customer, written once: one receipt per idempotency key that did work.
    expect(await countErpCustomers(db.models, 'erp.main')).to.deep.equal({
      customers: TOTAL,
      distinctEmails: TOTAL,
      upsertWrites: TOTAL,
    });
    const customers = await db.models.SandboxRecord.findAll({
      where: { instance: 'erp.main', collection: 'customers' },
      attributes: ['data'],
    });
    const linked = customers.map(
      (row) =>
        (typeof row.data === 'string' ? (JSON.parse(row.data) as Record<string, unknown>) : row.data).crmContactId,
    );
    expect(new Set(linked)).to.have.property('size', TOTAL);
    expect([...new Set(linked)].sort()).to.deep.equal([...seededIds].sort());

    // The page the crash interrupted was retried and resumed from the heartbeated position.
    const histories = await historiesOfEveryRun(workflowId);
    expect(histories).to.have.length(TOTAL / PAGE_SIZE / PAGES_PER_RUN);
    const retried = histories.flatMap((history) => {
      const attempts = activityAttempts(history, 'syncContactPage');
      return activityResults<SyncContactPageResult>(history, 'syncContactPage').filter(
        (_, i) => (attempts[i] ?? 1) > 1,
      );
    });
    expect(retried).to.have.length.at.least(1);
    expect(Math.max(...retried.map((page) => page.resumed))).to.be.at.least(killPoint.heartbeated.done.length);

    // The history of each run is bounded by pagesPerRun, not by the 10,000 records.
    const eventsPerRun = histories.map((history) => history.events?.length ?? 0);
    for (const events of eventsPerRun) expect(events).to.be.at.most(EVENTS_PER_PAGE * PAGES_PER_RUN + FIXED_EVENTS);

    // Each attempt of a page read its CRM page once: the crash and retryable ERP errors cost a re-read, nothing more.
    const pageAttempts = histories.flatMap((history) => activityAttempts(history, 'syncContactPage'));
    const attemptsTotal = pageAttempts.reduce((sum, attempts) => sum + attempts, 0);
    const searches = hubspot.requests.filter((request) => request.path.endsWith('/search')).length;
    expect(searches).to.be.within(TOTAL / PAGE_SIZE, attemptsTotal);

    const mail = await smtp.waitFor((m) => m.subject === `Customer sync ${syncName}: completed`);
    expect(mail.text).to.contain(`Customers upserted in the ERP: ${TOTAL}`);
    expect(smtp.messages.filter((m) => m.subject?.startsWith(`Customer sync ${syncName}`))).to.have.length(1);

    const seconds = (finishedAt - syncStartedAt) / 1000;
    console.log(
      `      ${TOTAL} records in ${seconds.toFixed(1)} s from start to completion, crash included (${(TOTAL / seconds).toFixed(0)} records/s); ` +
        `killed at ${killPoint.customers} customers, ${killPoint.heartbeated.done.length} records of the page heartbeated; ` +
        `second worker polling ${((secondReadyAt - killedAt) / 1000).toFixed(1)} s after the kill, completion ${((finishedAt - killedAt) / 1000).toFixed(1)} s after it; ` +
        `events per run ${eventsPerRun.join(', ')} (bound ${EVENTS_PER_PAGE * PAGES_PER_RUN + FIXED_EVENTS}); ` +
        `page attempts ${attemptsTotal} for ${pageAttempts.length} pages, CRM searches ${searches}; test ${((Date.now() - startedAt) / 1000).toFixed(0)} s`,
    );
  });
});
