/**
 * `npx tsx bench/customer-sync.bench.ts [-- --records 100000 --page-size 100 --pages-per-run 20 --concurrency 8]`
 *
 * One customerSync over N contacts of the sandbox CRM (seeded in bulk) into the sandbox ERP
 * (MariaDB), on the dev server with an in-process worker, against a baseline measured in the
 * same run on the same contacts: the same connector calls in a plain loop (list a page, upsert
 * it with the same concurrency, next page) without Temporal. Reports records/s of both, and the
 * history of every run of the chain (events and bytes), which must stay bounded by pagesPerRun.
 */
import { parseArgs } from 'node:util';
import { historyToJSON } from '../server/temporal/sdk-internals';
import pLimit from 'p-limit';
import { customerIdempotencyKey, toCustomerInput } from '../activities/customer-sync/contact-page-sync';
import type { ConnectorRegistry } from '../connectors/registry';
import { countErpCustomers, defineSandboxPair, seedSandboxContacts } from '../test/support/customer-sync-fixtures';
import { startDevServerStack } from '../test/support/dev-server-stack';
import { runScript } from '../test/support/history-files';
import { activityAttempts } from '../test/support/history-inspection';
import { uniqueId } from '../test/support/order-fixtures';
import type { CustomerSyncInput, CustomerSyncResult } from '../workflows/customer-sync/customer-sync.types';

function positiveInteger(value: string | undefined, name: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`--${name} must be a positive integer`);
  return parsed;
}

/** The same connector calls as the workflow's pages, in a plain loop: what the sync costs without Temporal. */
async function directSync(
  registry: ConnectorRegistry,
  crmName: string,
  erpName: string,
  pageSize: number,
  concurrency: number,
): Promise<number> {
  const crm = registry.resolve('crm', crmName);
  const erp = registry.resolve('erp', erpName);
  const limit = pLimit(concurrency);
  let synced = 0;
  for (let cursor: string | null = null; ;) {
    const page = await crm.listContactsChangedSince(cursor, pageSize);
    await Promise.all(
      page.items.map((contact) =>
        limit(async () => {
          // Retried in place: the baseline has no Temporal retry to fall back on.
          for (let attempt = 1; ; attempt++) {
            try {
              await erp.upsertCustomer(toCustomerInput(contact), {
                idempotencyKey: customerIdempotencyKey(crmName, contact),
              });
              synced++;
              return;
            } catch (error) {
              if (attempt >= 10) throw error;
            }
          }
        }),
      ),
    );
    if (page.nextCursor === null) return synced;
    cursor = page.nextCursor;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      records: { type: 'string', default: '100000' },
      'page-size': { type: 'string', default: '100' },
      'pages-per-run': { type: 'string', default: '20' },
      concurrency: { type: 'string', default: '8' },
      'skip-baseline': { type: 'boolean', default: false },
    },
  });
  const records = positiveInteger(values.records, 'records');
  const pageSize = positiveInteger(values['page-size'], 'page-size');
  const pagesPerRun = positiveInteger(values['pages-per-run'], 'pages-per-run');
  const concurrency = positiveInteger(values.concurrency, 'concurrency');

  const taskQueue = uniqueId('bench-sync');
  const stack = await startDevServerStack('bench_sync', taskQueue);
  const { client, db, registry } = stack;
  try {
    const pair = defineSandboxPair(registry);
    const seedStart = Date.now();
    await seedSandboxContacts(db.models, pair.crm, records, { prefix: 'bench' });
    console.log(`seeded ${records} contacts in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);

    let baseline: { seconds: number; synced: number } | null = null;
    if (!values['skip-baseline']) {
      const baselineErp = `erp.b${pair.erp.slice(5)}`;
      registry.defineInstance(baselineErp, { kind: 'erp', vendor: 'sandbox', settings: {} });
      const started = Date.now();
      const synced = await directSync(registry, pair.crm, baselineErp, pageSize, concurrency);
      baseline = { seconds: (Date.now() - started) / 1000, synced };
    }

    const input: CustomerSyncInput = {
      syncName: uniqueId('bench'),
      connectors: { crm: pair.crm, erp: pair.erp },
      pageSize,
      pagesPerRun,
      concurrency,
      reportTo: ['ops@bench.example'],
    };
    const started = Date.now();
    const handle = await client.workflow.start('customerSync', {
      taskQueue,
      workflowId: `customer-sync-${input.syncName}`,
      args: [input],
    });
    const result = (await handle.result()) as CustomerSyncResult;
    const seconds = (Date.now() - started) / 1000;

    const events: number[] = [];
    const bytes: number[] = [];
    let retriedPages = 0;
    for await (const execution of client.workflow.list({ query: `WorkflowId = '${handle.workflowId}'` })) {
      const history = await client.workflow.getHandle(handle.workflowId, execution.runId).fetchHistory();
      events.push(history.events?.length ?? 0);
      // The JSON form Temporal's tools export (payloads in base64): an upper bound of the stored size.
      bytes.push(Buffer.byteLength(historyToJSON(history)));
      retriedPages += activityAttempts(history, 'syncContactPage').filter((attempt) => attempt > 1).length;
    }
    const erp = await countErpCustomers(db.models, pair.erp);

    console.log(
      `customerSync: ${result.totals.synced} of ${records} records in ${seconds.toFixed(1)} s = ${(result.totals.synced / seconds).toFixed(0)} records/s (page ${pageSize}, concurrency ${concurrency})`,
    );
    if (baseline)
      console.log(
        `baseline (same calls, plain loop, no Temporal): ${baseline.synced} records in ${baseline.seconds.toFixed(1)} s = ${(baseline.synced / baseline.seconds).toFixed(0)} records/s`,
      );
    console.log(
      `runs: ${result.runs} (pagesPerRun ${pagesPerRun}); events per run min ${Math.min(...events)} max ${Math.max(...events)}; history bytes per run max ${Math.max(...bytes)}; pages retried ${retriedPages} of ${result.totals.pages}`,
    );
    console.log(
      `ERP: ${erp.customers} customers, ${erp.distinctEmails} distinct emails, ${erp.upsertWrites} upsert writes; failed records ${result.totals.failed}`,
    );
    if (erp.upsertWrites !== records || result.totals.synced !== records) process.exitCode = 1;
  } finally {
    await stack.close();
  }
}

runScript(main);
