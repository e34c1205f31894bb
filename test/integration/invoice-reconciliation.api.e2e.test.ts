import { expect } from 'chai';
import {
  previousPeriod,
  reconciliationReportKey,
  reconciliationWorkflowId,
  type ReconciliationReport,
} from '../../workflows/invoice-reconciliation/invoice-reconciliation.types';
import type { Progress } from '../../workflows/shared/progress';
import { keyedCall, waitForRun } from '../support/api-client';
import { startApiStack, type ApiStack } from '../support/api-stack';
import { eventually } from '../support/eventually';
import { uniqueId } from '../support/order-fixtures';
import { deleteSchedules } from '../support/temporal-cleanup';
import { seedReconciliationFixtures } from '../workflows/invoice-reconciliation.fixtures';

interface RunView {
  workflowId: string;
  status: string;
  searchAttributes: Record<string, unknown>;
  progress: Progress | null;
  result?: ReconciliationReport;
}

interface ScheduleView {
  info: { recentActions: { scheduledAt: string; workflowId: string }[] };
}

describe('invoiceReconciliation end to end: API and a schedule → Temporal dev server → worker → sandbox ERP and payments → SMTP', function () {
  this.timeout(120_000);
  let stack: ApiStack;
  let key: string;
  const schedules: string[] = [];
  const call = keyedCall(
    () => stack.api.url,
    () => key,
  );

  before(async function () {
    stack = await startApiStack({ label: 'recon_e2e' });
    key = await stack.createKey('finance', ['runs:read', 'runs:write', 'schedules:write']);
  });

  after(async function () {
    await deleteSchedules(stack.temporal, schedules);
    await stack?.close();
  });

  // A scheduled or backfilled run may not have started yet when it is first asked for.
  const closedRun = (workflowId: string) => waitForRun<RunView>(call, workflowId, undefined, { untilFound: true });

  const reportMails = (window: { from: string; to: string }) =>
    stack.smtp.messages.filter((m) => m.subject?.startsWith(`Invoice reconciliation ${window.from} to ${window.to}:`));

  it('when a business system starts a window twice, then one run reconciles it, GET /v1/runs/:id shows the report, and the report query answers it too', async () => {
    const { window } = await seedReconciliationFixtures(stack.registry, uniqueId('API'));
    const input = { window, reportTo: ['finance@shop.example'] };
    const first = await call<{ workflowId: string; existing?: boolean }>('POST', '/v1/runs', {
      body: { type: 'invoiceReconciliation', input },
    });
    expect(first.status, JSON.stringify(first.body)).to.equal(202);
    expect(first.body.workflowId).to.equal(reconciliationWorkflowId(window));

    const run = await closedRun(first.body.workflowId);
    expect(run.status).to.equal('COMPLETED');
    expect(run.result?.summary.counts).to.deep.equal({
      unknown_payment: 2,
      unpaid: 3,
      underpaid: 1,
      overpaid: 1,
      matched: 2,
    });
    expect(run.searchAttributes).to.include({
      BusinessKey: first.body.workflowId.replace('reconciliation-', ''),
      ProcessStatus: 'COMPLETED',
    });
    expect(run.progress?.details).to.include({ rowCount: 9 });

    const again = await call<{ workflowId: string; existing?: boolean }>('POST', '/v1/runs', {
      body: { type: 'invoiceReconciliation', input },
    });
    expect(again.status).to.equal(202);
    expect(again.body).to.include({ workflowId: first.body.workflowId, existing: true });

    const query = await call<{ result: ReconciliationReport }>(
      'GET',
      `/v1/runs/${encodeURIComponent(first.body.workflowId)}/queries/report`,
    );
    expect(query.status).to.equal(200);
    expect(query.body.result).to.deep.equal(run.result);
    expect(reportMails(window)).to.have.length(1);
  });

  it('when a schedule with period previousDay fires twice, then both runs reconcile the previous UTC day of their scheduled time and one report email goes out', async () => {
    const id = uniqueId('reconcile-daily');
    schedules.push(id);
    const created = await call('POST', '/v1/schedules', {
      body: {
        id,
        workflow: 'invoiceReconciliation',
        input: { period: 'previousDay', reportTo: ['finance@shop.example'] },
        every: '2s',
      },
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    // On a timeout the after hook deletes the schedule.
    const actions = await eventually(
      'two scheduled actions',
      async () => (await call<ScheduleView>('GET', `/v1/schedules/${id}`)).body.info.recentActions,
      (recent) => recent.length >= 2,
      { timeoutMs: 30_000 },
    );
    expect((await call('DELETE', `/v1/schedules/${id}`)).status).to.equal(204);

    const runs = await Promise.all(actions.map((action) => closedRun(action.workflowId)));
    for (const [index, run] of runs.entries()) {
      const scheduledAt = new Date(actions[index]?.scheduledAt ?? 0);
      expect(run.status).to.equal('COMPLETED');
      expect(run.result?.window).to.deep.equal(previousPeriod('previousDay', scheduledAt));
      expect(run.searchAttributes).to.include({
        BusinessKey: reconciliationReportKey(previousPeriod('previousDay', scheduledAt)).replace(
          /^reconciliation-|:report$/g,
          '',
        ),
      });
    }
    // Both firings fell on the same UTC day (unless this test straddles midnight): one window, one email.
    const windows = new Set(runs.map((run) => JSON.stringify(run.result?.window)));
    const emails = [...windows].flatMap((window) => reportMails(JSON.parse(window) as { from: string; to: string }));
    expect(emails).to.have.length(windows.size);
    expect(new Set(runs.map((run) => run.result?.email.messageId)).size).to.equal(windows.size);
  });

  it('when a schedule is backfilled for a day long past, then the run reconciles the day before that scheduled time, not before today', async () => {
    const id = uniqueId('reconcile-backfill');
    schedules.push(id);
    const created = await call('POST', '/v1/schedules', {
      body: {
        id,
        workflow: 'invoiceReconciliation',
        input: { period: 'previousDay', reportTo: ['finance@shop.example'] },
        cron: '0 2 * * *',
      },
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const DAY = 86_400_000;
    const today = Math.floor(Date.now() / DAY) * DAY;
    const scheduledAt = new Date(today - 10 * DAY + 2 * 3_600_000);
    const backfill = await call('POST', `/v1/schedules/${id}/backfill`, {
      body: {
        from: new Date(today - 10 * DAY).toISOString(),
        to: new Date(today - 9 * DAY).toISOString(),
        overlap: 'allow_all',
      },
    });
    expect(backfill.status, JSON.stringify(backfill.body)).to.equal(202);

    const run = await closedRun(`schedule-${id}-${scheduledAt.toISOString().replace('.000Z', 'Z')}`);
    expect(run.status).to.equal('COMPLETED');
    expect(run.result?.window).to.deep.equal({
      from: new Date(today - 11 * DAY).toISOString(),
      to: new Date(today - 10 * DAY).toISOString(),
    });
  });
});
