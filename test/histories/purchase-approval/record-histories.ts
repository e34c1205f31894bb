/**
 * Records the purchaseApproval histories replayed by test/workflows/purchase-approval.replay.test.ts,
 * from real runs of the current workflow code: time-skipping Temporal server, sandbox ERP in the
 * local MariaDB, a real SMTP sink. Demo data only.
 *
 *     npx tsx test/histories/purchase-approval/record-histories.ts
 *
 * Re-record only when a change is meant to be incompatible (and then keep the old files beside the
 * new ones, behind `patched()`): replaying the old histories is the point of the replay test.
 */
import { join } from 'node:path';
import type { Duration } from '@temporalio/common';
import { approveUpdate, rejectUpdate } from '../../../workflows/purchase-approval/purchase-approval.types';
import { runScript, writeHistoryFile } from '../../support/history-files';
import { createPurchaseHarness, newPurchaseRequest, waitForPending, type PurchaseHandle } from '../../workflows/fixtures/purchase-approval.harness';

type Scenario = (handle: PurchaseHandle, people: ReturnType<typeof newPurchaseRequest>['people'], sleep: (duration: Duration) => Promise<void>) => Promise<void>;

const SCENARIOS: { file: string; size: 'small' | 'medium' | 'large'; scenario: Scenario }[] = [
  { file: 'auto-approved.json', size: 'small', scenario: async () => undefined },
  {
    file: 'approved-by-two.json',
    size: 'large',
    scenario: async (handle, people) => {
      await waitForPending(handle, 1);
      await handle.executeUpdate(approveUpdate, { args: [{ approver: people.first, comment: 'fine' }] });
      await waitForPending(handle, 2);
      await handle.executeUpdate(approveUpdate, { args: [{ approver: people.second }] });
    },
  },
  {
    file: 'rejected-with-reason.json',
    size: 'medium',
    scenario: async (handle, people) => {
      await waitForPending(handle, 1);
      await handle.executeUpdate(rejectUpdate, { args: [{ approver: people.first, comment: 'Use the framework contract instead.' }] });
    },
  },
  {
    file: 'escalated-approved-by-manager.json',
    size: 'medium',
    scenario: async (handle, people, sleep) => {
      await waitForPending(handle, 1);
      await sleep('49h');
      await waitForPending(handle, 1, people.firstManager);
      await handle.executeUpdate(approveUpdate, { args: [{ approver: people.firstManager }] });
    },
  },
  { file: 'auto-rejected.json', size: 'medium', scenario: async () => undefined }, // result() skips to the deadline
];

async function main(): Promise<void> {
  const harness = await createPurchaseHarness('record_purchase');
  try {
    for (const { file, size, scenario } of SCENARIOS) {
      const { input, people } = newPurchaseRequest(size);
      const history = await harness.run(input, async (handle, env) => {
        await scenario(handle, people, (duration) => env.sleep(duration));
        await handle.result();
        return handle.fetchHistory();
      });
      writeHistoryFile(join(__dirname, file), history);
      console.log(`recorded ${file} (${history.events?.length ?? 0} events)`);
    }
  } finally {
    await harness.close();
  }
}

runScript(main);
