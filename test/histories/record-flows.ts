/**
 * Records flow histories for the flow replay tests (test/workflows/flows/flow.replay.test.ts) from
 * real runs of the interpreter on the time-skipping server with sandbox connectors and real jq:
 * `npx tsx test/histories/record-flows.ts [scenario …]` (all scenarios when none is named).
 * Record with the interpreter that was live when the history is meant to have been written.
 */
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { FLOW_EVENT_UPDATE, type FlowEvent, type FlowEventReceipt } from '../../workflows/flow/flow-run.types';
import { runFlow } from '../support/flow-runs';
import { runScript, writeHistoryFile } from '../support/history-files';
import { startWorkflowHarness, type WorkflowHarness } from '../support/workflow-harness';
import { approvalDocument, awaitingReleaseDocument, paymentSagaDocument, pickListDocument } from './flow-documents';

interface Scenario {
  document: Record<string, unknown>;
  input: unknown;
  /** What happens to the run while it runs (events, cancellation). */
  during?: (handle: WorkflowHandle, harness: WorkflowHarness) => Promise<void>;
  /** How the run must end, so that a broken recording is not written. */
  ends: 'COMPLETED' | 'FAILED' | 'CANCELLED';
  /** The compensating tasks that must have run, newest first. */
  compensated?: string[];
}

const sendEvent = (handle: WorkflowHandle, event: FlowEvent) =>
  handle.executeUpdate<FlowEventReceipt, [FlowEvent]>(FLOW_EVENT_UPDATE, { args: [event] });

const SCENARIOS: Record<string, Scenario> = {
  /** set, switch, a concurrent for of email.send calls, fork (timer and crm call), try/catch, export.as. */
  completed: {
    document: pickListDocument,
    input: {
      order: {
        id: 'demo-pick-1',
        lines: [{ amount: 60 }, { amount: 70 }],
        recipients: ['north@warehouse.example', 'south@warehouse.example', 'east@warehouse.example'],
      },
    },
    ends: 'COMPLETED',
  },
  /** Customer and sales order, then the payment is declined: the order is cancelled and the run fails. */
  'saga-declined': {
    document: paymentSagaDocument,
    input: { id: 'demo-saga-1', token: 'tok_declined_card' },
    ends: 'FAILED',
    compensated: ['cancelSalesOrder'],
  },
  /** Waits at a listen task until the approval event arrives by the `event` update. */
  'listen-event': {
    document: approvalDocument,
    input: { id: 'demo-approval-1' },
    during: async (handle, harness) => {
      await harness.env.sleep('1 hour');
      await sendEvent(handle, { type: 'com.example.approval.granted', data: { by: 'boss@example.com' } });
    },
    ends: 'COMPLETED',
  },
  /** Cancelled while listening, after the sales order was created: the order is cancelled. */
  'cancelled-while-listening': {
    document: awaitingReleaseDocument,
    input: { id: 'demo-release-1' },
    during: async (handle, harness) => {
      await harness.env.sleep('1 minute');
      await handle.cancel();
    },
    ends: 'CANCELLED',
    compensated: ['cancelSalesOrder'],
  },
};

async function record(names: readonly string[]): Promise<void> {
  const harness = await startWorkflowHarness('record_flows');
  try {
    for (const name of names) {
      const scenario = SCENARIOS[name]!;
      const run = await runFlow(harness, scenario.document, scenario.input, (handle) =>
        scenario.during ? scenario.during(handle, harness) : Promise.resolve(),
      );
      await run.outcome.catch(() => undefined);
      if (run.progress.status !== scenario.ends) {
        throw new Error(`${name} ended ${run.progress.status}, not ${scenario.ends}: not recorded`);
      }
      const compensated = run.progress.compensations.filter((c) => c.outcome === 'done').map((c) => c.step);
      if (JSON.stringify(compensated) !== JSON.stringify(scenario.compensated ?? [])) {
        throw new Error(`${name} compensated ${compensated.join(', ') || 'nothing'}: not recorded`);
      }
      const file = join(__dirname, 'flows', `${name}.json`);
      writeHistoryFile(file, await run.handle.fetchHistory());
      console.log(`recorded ${file}`);
    }
  } finally {
    await harness.close();
  }
}

const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !(name in SCENARIOS));
if (unknown.length > 0) {
  console.error(`usage: tsx test/histories/record-flows.ts [${Object.keys(SCENARIOS).join('|')} …]`);
  process.exit(64);
}
runScript(() => record(requested.length > 0 ? requested : Object.keys(SCENARIOS)));
