/**
 * Records the purchaseApproval histories of runs decided by the server's approval policy (the
 * `approval-policy-from-server` patch), replayed by test/workflows/purchase-approval.replay.test.ts,
 * from real runs of the current workflow code: time-skipping Temporal server, sandbox ERP in the
 * local MariaDB, a real SMTP sink, a policy file per request. Demo data only.
 *
 *     npx tsx test/histories/purchase-approval/record-histories.ts
 *
 * It writes the policy-*.json files only. The other files were recorded before the patch (by this
 * script's earlier version, with `policy` and `approvers` in the input): they stand for runs started
 * before the change and can no longer be recorded; never overwrite them. Re-record only when a
 * change is meant to be incompatible (and then keep the old files beside the new ones, behind
 * `patched()`): replaying the old histories is the point of the replay test.
 */
import { join } from 'node:path';
import type { Duration } from '@temporalio/common';
import { approveUpdate, rejectUpdate } from '../../../workflows/purchase-approval/purchase-approval.types';
import { runScript, writeHistoryFile } from '../../support/history-files';
import { createPurchaseHarness, newPurchaseRequest, waitForPending, type PurchaseHandle, type PurchaseRequest } from '../../workflows/fixtures/purchase-approval.harness';

type Scenario = (handle: PurchaseHandle, people: PurchaseRequest['people'], sleep: (duration: Duration) => Promise<void>) => Promise<void>;

const SCENARIOS: { file: string; size: 'small' | 'medium' | 'large'; requesterInChain?: boolean; scenario: Scenario }[] = [
  { file: 'policy-auto-approved.json', size: 'small', scenario: async () => undefined },
  {
    file: 'policy-approved-by-two.json',
    size: 'large',
    scenario: async (handle, people) => {
      await waitForPending(handle, 1);
      await handle.executeUpdate(approveUpdate, { args: [{ approver: people.first, comment: 'fine' }] });
      await waitForPending(handle, 2);
      await handle.executeUpdate(approveUpdate, { args: [{ approver: people.second }] });
    },
  },
  {
    file: 'policy-rejected-with-reason.json',
    size: 'medium',
    scenario: async (handle, people) => {
      await waitForPending(handle, 1);
      await handle.executeUpdate(rejectUpdate, { args: [{ approver: people.first, comment: 'Use the framework contract instead.' }] });
    },
  },
  {
    file: 'policy-escalated-approved-by-manager.json',
    size: 'medium',
    scenario: async (handle, people, sleep) => {
      await waitForPending(handle, 1);
      await sleep('49h');
      await waitForPending(handle, 1, people.firstManager);
      await handle.executeUpdate(approveUpdate, { args: [{ approver: people.firstManager }] });
    },
  },
  { file: 'policy-auto-rejected.json', size: 'medium', scenario: async () => undefined }, // result() skips to the deadline
  // The requester is the first approver: too few links are left for two approvals, the run fails ApprovalPolicyUnresolved.
  { file: 'policy-unresolved.json', size: 'large', requesterInChain: true, scenario: async () => undefined },
];

async function main(): Promise<void> {
  const harness = await createPurchaseHarness('record_purchase');
  try {
    for (const { file, size, requesterInChain, scenario } of SCENARIOS) {
      const request = newPurchaseRequest(size);
      const { people } = request;
      const input = requesterInChain ? { ...request.input, requester: { email: people.first, name: 'Alan Turing' } } : request.input;
      const history = await harness.run({ ...request, input }, async (handle, env) => {
        await scenario(handle, people, (duration) => env.sleep(duration));
        await handle.result().catch(() => undefined); // a failed run is recorded too
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
