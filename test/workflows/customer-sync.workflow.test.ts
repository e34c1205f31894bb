import { WorkflowFailedError, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { expect } from 'chai';
import type { SyncContactPageResult } from '../../activities/customer-sync.activities';
import type { ConnectorErrorCode } from '../../connectors/connector-error-codes';
import { clearSandboxFaults, injectSandboxFault } from '../../connectors/sandbox/sandbox-admin';
import {
  customerSyncWorkflowId,
  type CustomerSyncInput,
  type CustomerSyncResult,
} from '../../workflows/customer-sync/customer-sync.types';
import { progressQuery, type Progress } from '../../workflows/shared/progress';
import {
  countErpCustomers,
  defineSandboxPair,
  seedSandboxContacts,
  type SandboxPair,
} from '../support/customer-sync-fixtures';
import { activityAttempts, activityResults } from '../support/history-inspection';
import { uniqueId } from '../support/order-fixtures';
import { settle, startWorkflowHarness, type WorkflowHarness } from '../support/workflow-harness';

const OPS = 'ops@shop.example';

describe('customerSync workflow (time-skipping server, sandbox CRM and ERP in MariaDB, real SMTP)', function () {
  this.timeout(180_000);
  let harness: WorkflowHarness;
  let env: WorkflowHarness['env'];
  let db: WorkflowHarness['db'];
  let smtp: WorkflowHarness['smtp'];
  let registry: WorkflowHarness['registry'];

  before(async function () {
    harness = await startWorkflowHarness('wf_sync');
    ({ env, db, smtp, registry } = harness);
  });

  after(() => harness?.close());

  afterEach(() => clearSandboxFaults(db.models));

  interface SyncRun {
    handle: WorkflowHandleWithFirstExecutionRunId;
    outcome: Promise<CustomerSyncResult>;
    progress: Progress;
  }

  /** Runs one sync to its end on a fresh task queue; queries progress while the worker still runs. */
  async function runSync(
    input: CustomerSyncInput,
    options: { workflowId?: string; withDatabase?: boolean } = {},
  ): Promise<SyncRun> {
    const taskQueue = uniqueId('sync-tq');
    const worker = await harness.newWorker(taskQueue, options.withDatabase === false ? {} : { models: db.models });
    const workflowId = options.workflowId ?? customerSyncWorkflowId(input.syncName ?? 'default');
    const handle = await env.client.workflow.start('customerSync', { taskQueue, workflowId, args: [input] });
    return worker.runUntil(async () => {
      const { outcome } = await settle(handle.result() as Promise<CustomerSyncResult>);
      return { handle, outcome, progress: await handle.query(progressQuery) };
    });
  }

  function syncInput(pair: SandboxPair, overrides: Partial<CustomerSyncInput> = {}): CustomerSyncInput {
    return { syncName: uniqueId('sync'), connectors: { crm: pair.crm, erp: pair.erp }, reportTo: [OPS], ...overrides };
  }

  const inject = (instance: string, operation: string, code: ConnectorErrorCode, times: number | null = null) =>
    injectSandboxFault(db.models, { instance, operation, code, times });

  const summaryMail = (syncName: string) =>
    smtp.waitFor((m) => m.subject?.startsWith(`Customer sync ${syncName}:`) ?? false);

  it('when contacts changed, then each becomes one ERP customer, the cursor is stored and ops get a summary', async () => {
    const pair = defineSandboxPair(registry);
    await seedSandboxContacts(db.models, pair.crm, 250);
    const input = syncInput(pair, { pageSize: 100 });
    const { outcome, progress } = await runSync(input);
    const result = await outcome;

    expect(result.totals).to.deep.equal({ pages: 3, listed: 250, synced: 250, skipped: 0, failed: 0 });
    expect(result.runs).to.equal(1);
    expect(result.failures).to.deep.equal([]);
    expect(await countErpCustomers(db.models, pair.erp)).to.deep.equal({
      customers: 250,
      distinctEmails: 250,
      upsertWrites: 250,
    });

    const stored = await db.models.SyncCursor.findByPk(input.syncName ?? '');
    expect(stored?.version).to.equal(3);
    expect(result.cursorVersion).to.equal(3);
    // The feed ends after the third page: the cursor stays before it and its 50 records are the tail.
    expect(stored?.cursor).to.be.a('string');
    expect(stored?.tail).to.have.length(50);

    expect(progress.status).to.equal('COMPLETED');
    expect(progress.stepsDone).to.deep.equal(['loadCursor', 'syncPages', 'sendSummary']);
    expect(progress.details).to.include({ pages: 3, synced: 250, failed: 0, run: 1 });

    const mail = await summaryMail(input.syncName ?? '');
    expect(mail.subject).to.equal(`Customer sync ${input.syncName}: completed`);
    expect(mail.text).to.contain('Customers upserted in the ERP: 250').and.contain('Failed: 0');
    expect(mail.messageId).to.equal(result.summaryMessageId);
  });

  it('when the next run starts under another workflow ID, then it resumes at the stored cursor and writes only what is new', async () => {
    const pair = defineSandboxPair(registry);
    const seededAt = new Date();
    await seedSandboxContacts(db.models, pair.crm, 250, { from: seededAt });
    const input = syncInput(pair, { pageSize: 100 });
    await (
      await runSync(input)
    ).outcome;

    // A scheduled run has an ID of its own; the cursor store (keyed by syncName) is what it continues from.
    await seedSandboxContacts(db.models, pair.crm, 30, { from: new Date(seededAt.getTime() + 3_600_000) });
    const second = await (
      await runSync(input, { workflowId: `${customerSyncWorkflowId(input.syncName ?? '')}-scheduled-2` })
    ).outcome;
    // The feed re-reads the last page of the first run (the 50 of its tail) and finds the 30 new contacts.
    expect(second.totals).to.deep.equal({ pages: 1, listed: 80, synced: 30, skipped: 50, failed: 0 });
    expect(await countErpCustomers(db.models, pair.erp)).to.deep.equal({
      customers: 280,
      distinctEmails: 280,
      upsertWrites: 280,
    });

    const third = await (
      await runSync(input, { workflowId: `${customerSyncWorkflowId(input.syncName ?? '')}-scheduled-3` })
    ).outcome;
    expect(third.totals).to.deep.equal({ pages: 1, listed: 80, synced: 0, skipped: 80, failed: 0 });
    expect((await countErpCustomers(db.models, pair.erp)).upsertWrites).to.equal(280);
    expect(third.cursorVersion).to.equal(5);
  });

  it('when the ERP refuses some records for good, then they are reported with their code and the batch completes', async () => {
    const pair = defineSandboxPair(registry);
    const seeded = await seedSandboxContacts(db.models, pair.crm, 40);
    await inject(pair.erp, 'upsertCustomer', 'INVALID_REQUEST', 3);
    // One upsert at a time: the sandbox's concurrent inserts can deadlock, and that retry would blur the count of attempts.
    const input = syncInput(pair, { concurrency: 1 });
    const { handle, outcome, progress } = await runSync(input);
    const result = await outcome;

    expect(result.totals).to.deep.equal({ pages: 1, listed: 40, synced: 37, skipped: 0, failed: 3 });
    expect(result.failures).to.have.length(3);
    for (const failure of result.failures) {
      expect(failure.code).to.equal('INVALID_REQUEST');
      expect(seeded).to.deep.include({ id: failure.contactId, email: failure.email });
    }
    expect(activityAttempts(await handle.fetchHistory(), 'syncContactPage')).to.deep.equal([1]);
    expect((await countErpCustomers(db.models, pair.erp)).upsertWrites).to.equal(37);
    expect(progress.status).to.equal('COMPLETED');

    const mail = await summaryMail(input.syncName ?? '');
    expect(mail.subject).to.equal(`Customer sync ${input.syncName}: completed with 3 failed records`);
    for (const failure of result.failures)
      expect(mail.text).to.contain(`${failure.contactId} ${failure.email}: INVALID_REQUEST`);
  });

  it('when the ERP is unavailable in the middle of a page, then the page is retried from its heartbeat and every record is written once', async () => {
    const pair = defineSandboxPair(registry);
    await seedSandboxContacts(db.models, pair.crm, 60);
    // One of the first eight concurrent upserts fails with 503; the other seven finish before the attempt gives up.
    await inject(pair.erp, 'upsertCustomer', 'VENDOR_UNAVAILABLE', 1);
    const { handle, outcome } = await runSync(syncInput(pair, { pageSize: 60, concurrency: 8 }));
    const result = await outcome;

    expect(result.totals).to.deep.equal({ pages: 1, listed: 60, synced: 60, skipped: 0, failed: 0 });
    const history = await handle.fetchHistory();
    // At least the one retry the 503 causes (the sandbox may add one for a deadlock of its concurrent inserts).
    expect(activityAttempts(history, 'syncContactPage')[0]).to.be.at.least(2);
    const [page] = activityResults<SyncContactPageResult>(history, 'syncContactPage');
    expect(page?.resumed).to.be.at.least(7);
    expect(await countErpCustomers(db.models, pair.erp)).to.deep.equal({
      customers: 60,
      distinctEmails: 60,
      upsertWrites: 60,
    });
  });

  it('when a run reaches pagesPerRun, then it continues as new carrying the cursor, the totals and the failures', async () => {
    const pair = defineSandboxPair(registry);
    await seedSandboxContacts(db.models, pair.crm, 250);
    // Consumed by the first page, in the first run: the report of the last run must still hold it.
    await inject(pair.erp, 'upsertCustomer', 'INVALID_REQUEST', 1);
    const input = syncInput(pair, { pageSize: 50, pagesPerRun: 2 });
    const { handle, outcome, progress } = await runSync(input);
    const result = await outcome;

    expect(result.runs).to.equal(3);
    expect(result.totals).to.deep.equal({ pages: 5, listed: 250, synced: 249, skipped: 0, failed: 1 });
    expect(result.failures).to.have.length(1);
    expect(result.cursorVersion).to.equal(5);
    const latest = await handle.describe();
    expect(latest.runId).to.not.equal(handle.firstExecutionRunId);
    // The last run synced one page only: its history knows nothing of the first four.
    expect(activityResults<SyncContactPageResult>(await handle.fetchHistory(), 'syncContactPage')).to.have.length(1);
    expect(progress.details).to.include({ run: 3, pages: 5, synced: 249, failed: 1 });
    expect(await countErpCustomers(db.models, pair.erp)).to.deep.equal({
      customers: 249,
      distinctEmails: 249,
      upsertWrites: 249,
    });

    await summaryMail(input.syncName ?? '');
    expect(smtp.messages.filter((m) => m.subject?.startsWith(`Customer sync ${input.syncName}:`))).to.have.length(1);
  });

  it('when the worker was built without the database, then the sync fails at once naming the missing cursor store, and ops are told', async () => {
    const pair = defineSandboxPair(registry);
    const input = syncInput(pair);
    const { handle, outcome, progress } = await runSync(input, { withDatabase: false });
    const error = await outcome.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(WorkflowFailedError);
    const failure = (error as WorkflowFailedError).cause;
    expect(failure).to.be.instanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).type).to.equal('CustomerSyncFailed');
    expect(failure?.message).to.contain('cursor store');
    expect(activityAttempts(await handle.fetchHistory(), 'loadSyncCursor')).to.deep.equal([1]);
    expect(progress.status).to.equal('FAILED');
    expect(progress.failure?.type).to.equal('SyncCursorStoreMissing');

    const mail = await summaryMail(input.syncName ?? '');
    expect(mail.subject).to.equal(`Customer sync ${input.syncName}: FAILED`);
    expect(mail.text).to.contain('cursor store');
  });
});
