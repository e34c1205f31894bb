import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { parse } from 'csv-parse/sync';
import { expect } from 'chai';
import type { ParsedMail } from 'mailparser';
import { clearSandboxFaults, injectSandboxFault } from '../../connectors/sandbox/sandbox-admin';
import { progressQuery, type Progress } from '../../workflows/shared/progress';
import { reportQuery } from '../../workflows/invoice-reconciliation/invoice-reconciliation.workflow';
import {
  reconciliationWorkflowId,
  type InvoiceReconciliationInput,
  type ReconciliationReport,
} from '../../workflows/invoice-reconciliation/invoice-reconciliation.types';
import { uniqueId } from '../support/order-fixtures';
import { settle, startWorkflowHarness, type WorkflowHarness } from '../support/workflow-harness';
import { seedReconciliationFixtures, type ReconciliationFixtures } from './invoice-reconciliation.fixtures';

describe('invoiceReconciliation workflow (time-skipping server, sandbox ERP and payments in MariaDB, real SMTP)', function () {
  this.timeout(60_000);
  let harness: WorkflowHarness;
  let env: WorkflowHarness['env'];
  let db: WorkflowHarness['db'];
  let smtp: WorkflowHarness['smtp'];
  let fixtures: ReconciliationFixtures;

  before(async function () {
    harness = await startWorkflowHarness('wf_recon');
    ({ env, db, smtp } = harness);
    fixtures = await seedReconciliationFixtures(harness.registry, uniqueId('R'));
  });

  after(() => harness?.close());

  afterEach(() => clearSandboxFaults(db.models));

  interface ReconciliationRun {
    handle: WorkflowHandle;
    outcome: Promise<ReconciliationReport>;
    progress: Progress;
    report: ReconciliationReport | null;
  }

  async function reconcileRun(input: InvoiceReconciliationInput, workflowId: string): Promise<ReconciliationRun> {
    const taskQueue = uniqueId('recon-tq');
    const worker = await harness.newWorker(taskQueue);
    const handle = await env.client.workflow.start('invoiceReconciliation', { taskQueue, workflowId, args: [input] });
    return worker.runUntil(async () => {
      const { outcome } = await settle(handle.result() as Promise<ReconciliationReport>);
      // One at a time: two concurrent queries of a closed run have been seen to hang on the time-skipping server.
      const progress = await handle.query(progressQuery);
      const report = await handle.query(reportQuery);
      return { handle, outcome, progress, report };
    });
  }

  const reportMails = (window: { from: string; to: string }) =>
    smtp.messages.filter((m) => m.subject?.startsWith(`Invoice reconciliation ${window.from} to ${window.to}`));

  function csvOf(mail: ParsedMail): Record<string, string>[] {
    const [attachment] = mail.attachments;
    expect(attachment?.contentType).to.equal('text/csv');
    return parse(attachment?.content.toString('utf8') ?? '', { columns: true }) as Record<string, string>[];
  }

  it('when a window holds every kind of record, then each lands in its class, and the report is emailed with every row as CSV and readable through the report query', async () => {
    const input: InvoiceReconciliationInput = {
      window: fixtures.window,
      reportTo: ['finance@shop.example', 'controller@shop.example'],
    };
    const { outcome, progress, report } = await reconcileRun(input, reconciliationWorkflowId(fixtures.window));
    const result = await outcome;

    expect(result.summary.counts).to.deep.equal({
      unknown_payment: 2,
      unpaid: 3,
      underpaid: 1,
      overpaid: 1,
      matched: 2,
    });
    expect(result.summary).to.deep.include({ invoices: 7, payments: 8, ignoredPayments: fixtures.ignoredPayments });
    expect(result.summary.totals).to.deep.equal([
      {
        currency: 'EUR',
        invoiced: 4498 + 1500 + 10000 + 2000 + 3000 + 800 + 1200,
        received: 4498 + 1500 + 6000 + 2500 + 0 + 777,
      },
      { currency: 'USD', invoiced: 0, received: 1200 },
    ]);
    const actual = result.rows.map(({ class: cls, invoiceId, paymentIds, paidAmount, currency, note }) => ({
      class: cls,
      invoiceId,
      paymentIds,
      paidAmount,
      currency,
      note,
    }));
    expect(actual).to.have.deep.members(fixtures.expected);
    expect(
      result.rows.map((r) => r.class),
      'exceptions first',
    ).to.deep.equal([
      'unknown_payment',
      'unknown_payment',
      'unpaid',
      'unpaid',
      'unpaid',
      'underpaid',
      'overpaid',
      'matched',
      'matched',
    ]);
    expect(result).to.include({ rowCount: 9, rowsTruncated: false });

    expect(report, 'report query').to.deep.equal(result);
    expect(progress.status).to.equal('COMPLETED');
    expect(progress.stepsDone).to.deep.equal(['reconcile']);
    expect(progress.details).to.deep.include({
      rowCount: 9,
      counts: result.summary.counts,
      emailMessageId: result.email.messageId,
    });

    const mail = await smtp.waitFor((m) => m.messageId === result.email.messageId);
    expect(mail.subject).to.equal(
      `Invoice reconciliation ${fixtures.window.from} to ${fixtures.window.to}: 7 exception(s)`,
    );
    expect(mail.text)
      .to.contain('Unknown payments: 2')
      .and.contain('Unpaid invoices: 3')
      .and.contain('EUR: invoiced 229.98, received 152.75');
    const toAddresses = Array.isArray(mail.to) ? mail.to.flatMap((a) => a.value) : (mail.to?.value ?? []);
    expect(toAddresses.map((a) => a.address)).to.deep.equal(['finance@shop.example', 'controller@shop.example']);
    const records = csvOf(mail);
    expect(records).to.have.length(9);
    const matchedRecord = records.find((r) => r.invoice_id === fixtures.expected[0]?.invoiceId);
    expect(matchedRecord).to.deep.include({
      class: 'matched',
      invoice_total: '44.98',
      paid_amount: '44.98',
      currency: 'EUR',
      payment_ids: fixtures.expected[0]?.paymentIds[0],
    });
    expect(records.filter((r) => r.class === 'unknown_payment').map((r) => r.currency)).to.have.members(['USD', 'EUR']);
    expect(records.map((r) => r.class)).to.deep.equal(result.rows.map((r) => r.class));
  });

  it('when the same window is reconciled again under another workflow ID, then the report is the same and no second email is sent', async () => {
    const input: InvoiceReconciliationInput = {
      window: fixtures.window,
      reportTo: ['finance@shop.example', 'controller@shop.example'],
    };
    const first = await reconcileRun(input, `${reconciliationWorkflowId(fixtures.window)}-first`).then(
      (run) => run.outcome,
    );
    const sentBefore = reportMails(fixtures.window).length;
    expect(sentBefore, 'one report email for the window so far').to.equal(1);

    // The same window written with another offset is the same window.
    const shifted = {
      from: new Date(fixtures.window.from).toISOString().replace('Z', '+00:00'),
      to: fixtures.window.to,
    };
    const again = await reconcileRun({ ...input, window: shifted }, uniqueId('reconciliation-rerun')).then(
      (run) => run.outcome,
    );
    expect(again).to.deep.equal(first);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(reportMails(fixtures.window)).to.have.length(1);
  });

  it('when the window has not ended yet, then the run waits for its end before listing', async () => {
    // The test server's clock runs ahead of the wall clock once it has skipped time: the window ends 3 h after the later of both.
    const startedAt = await env.currentTimeMs();
    const from = fixtures.window.from;
    const to = new Date(Math.max(startedAt, Date.now()) + 3 * 3_600_000).toISOString();
    const { outcome, progress } = await reconcileRun(
      { window: { from, to }, reportTo: ['finance@shop.example'] },
      uniqueId('reconciliation-open'),
    );
    const result = await outcome;
    expect(await env.currentTimeMs()).to.be.at.least(startedAt + 3 * 3_600_000 - 60_000);
    expect(progress.stepsDone).to.deep.equal(['waitForWindowEnd', 'reconcile']);
    // The window covers the seeded records too.
    expect(result.summary.invoices).to.be.at.least(7);
  });

  it('when the ERP is briefly unavailable, then the listing is retried and the run completes', async () => {
    await injectSandboxFault(db.models, {
      instance: 'erp.main',
      operation: 'listInvoices',
      code: 'VENDOR_UNAVAILABLE',
      times: 2,
    });
    const window = { from: fixtures.window.from, to: new Date(Date.parse(fixtures.window.to) + 1).toISOString() };
    const { outcome } = await reconcileRun(
      { window, reportTo: ['finance@shop.example'] },
      uniqueId('reconciliation-retry'),
    );
    expect((await outcome).summary.counts.matched).to.equal(2);
  });

  it('when the payment provider refuses the credentials, then the run fails at once with FAILED status and no email', async () => {
    await injectSandboxFault(db.models, {
      instance: 'payment.main',
      operation: 'listPayments',
      code: 'UNAUTHORIZED',
      times: null,
    });
    const window = { from: fixtures.window.from, to: new Date(Date.parse(fixtures.window.to) + 2).toISOString() };
    const { outcome, progress, report } = await reconcileRun(
      { window, reportTo: ['finance@shop.example'] },
      uniqueId('reconciliation-unauthorized'),
    );
    const error = await outcome.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(WorkflowFailedError);
    expect(progress.status).to.equal('FAILED');
    expect(progress.failure).to.include({ step: 'reconcile', type: 'UNAUTHORIZED' });
    expect(report).to.equal(null);
    expect(reportMails(window)).to.have.length(0);
  });
});
