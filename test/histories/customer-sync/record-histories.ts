/**
 * Records the customerSync histories replayed by test/workflows/customer-sync.replay.test.ts:
 * real runs on a Temporal dev server with the sandbox CRM and ERP (a throw-away database) and a
 * real SMTP sink, exported with `temporal workflow show --output json` as the orderToCash ones.
 *
 *   npx tsx test/histories/customer-sync/record-histories.ts
 *
 * Re-record only for a deliberate change of the workflow (behind patched()) and keep the old
 * files: they stand for runs that may still be open in production.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { injectSandboxFault } from '../../../connectors/sandbox/sandbox-admin';
import { TEMPORAL_CLI_PATH } from '../../../scripts/tool-paths';
import { customerSyncWorkflowId, type CustomerSyncInput } from '../../../workflows/customer-sync/customer-sync.types';
import { defineSandboxPair, seedSandboxContacts } from '../../support/customer-sync-fixtures';
import { startDevServerStack } from '../../support/dev-server-stack';
import { runScript } from '../../support/history-files';
import { uniqueId } from '../../support/order-fixtures';

const run = promisify(execFile);

async function main(): Promise<void> {
  // The default task queue (TEMPORAL_TASK_QUEUE): it is recorded in the histories.
  const taskQueue = 'junction';
  const stack = await startDevServerStack('rec_sync', taskQueue);
  const { server, client, db, registry } = stack;

  /** Runs one sync to its end (failures included) and writes every run of its chain, oldest first. */
  const record = async (files: string[], input: CustomerSyncInput, workflowId = customerSyncWorkflowId(input.syncName ?? 'default')): Promise<void> => {
    const handle = await client.workflow.start('customerSync', { taskQueue, workflowId, args: [input] });
    await handle.result().catch(() => undefined);
    const runIds: string[] = [];
    for (let runId: string | undefined = handle.firstExecutionRunId; runId; ) {
      runIds.push(runId);
      const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
      runId = history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
    }
    if (runIds.length !== files.length) throw new Error(`${workflowId}: ${runIds.length} runs, expected ${files.length}`);
    for (const [i, runId] of runIds.entries()) {
      const { stdout } = await run(TEMPORAL_CLI_PATH, ['workflow', 'show', '--address', server.address, '--namespace', server.namespace, '-w', workflowId, '-r', runId, '--output', 'json'], { maxBuffer: 64 * 1024 * 1024 });
      await writeFile(join(__dirname, files[i] ?? ''), stdout);
      console.log(`recorded ${files[i]} (${workflowId} ${runId})`);
    }
  };

  const reportTo = ['ops@shop.example'];
  try {
    // Three pages, two records refused by the ERP, the summary email.
    const first = defineSandboxPair(registry);
    await seedSandboxContacts(db.models, first.crm, 120, { prefix: 'demo', from: new Date(Date.UTC(2026, 0, 5, 8)) });
    await injectSandboxFault(db.models, { instance: first.erp, operation: 'upsertCustomer', code: 'INVALID_REQUEST', times: 2 });
    const firstInput: CustomerSyncInput = { syncName: uniqueId('rec-completed'), connectors: { crm: first.crm, erp: first.erp }, pageSize: 50, reportTo };
    await record(['completed-with-failures.json'], firstInput);

    // The next scheduled run of the same sync: resumes at the stored cursor, skips the stored tail.
    await seedSandboxContacts(db.models, first.crm, 10, { prefix: 'demo-new', from: new Date(Date.UTC(2026, 0, 6, 8)) });
    await record(['resumed-from-stored-cursor.json'], firstInput, `${customerSyncWorkflowId(firstInput.syncName ?? '')}-2026-01-06T09:00:00Z`);

    // Two pages per run: the first run continues as new, the second carries its state to the end.
    const chained = defineSandboxPair(registry);
    await seedSandboxContacts(db.models, chained.crm, 150, { prefix: 'demo', from: new Date(Date.UTC(2026, 0, 5, 8)) });
    await record(['continued-as-new-first-run.json', 'continued-as-new-last-run.json'], { syncName: uniqueId('rec-chained'), connectors: { crm: chained.crm, erp: chained.erp }, pageSize: 50, pagesPerRun: 2, reportTo });

    // A 503 in the middle of a page: the page activity is retried and resumes from its heartbeat.
    const retried = defineSandboxPair(registry);
    await seedSandboxContacts(db.models, retried.crm, 40, { prefix: 'demo', from: new Date(Date.UTC(2026, 0, 5, 8)) });
    await injectSandboxFault(db.models, { instance: retried.erp, operation: 'upsertCustomer', code: 'VENDOR_UNAVAILABLE', times: 1 });
    await record(['page-retried.json'], { syncName: uniqueId('rec-retried'), connectors: { crm: retried.crm, erp: retried.erp }, reportTo });

    // The CRM refuses the credentials: the batch stops, ops are told, the run fails.
    const refused = defineSandboxPair(registry);
    await injectSandboxFault(db.models, { instance: refused.crm, operation: 'listContactsChangedSince', code: 'UNAUTHORIZED', times: null });
    await record(['failed-crm-unauthorized.json'], { syncName: uniqueId('rec-failed'), connectors: { crm: refused.crm, erp: refused.erp }, reportTo });
  } finally {
    await stack.close();
  }
}

runScript(main);
