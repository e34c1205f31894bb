import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { countSandboxRecords } from '../../../connectors/sandbox/sandbox-admin';
import { parseFlowDocument } from '../../../server/flows/parse-flow-document';
import { DslErrorType } from '../../../workflows/flow/dsl-errors';
import { FLOW_EVENT_UPDATE } from '../../../workflows/flow/flow-run.types';
import { newDealInput } from '../../support/deal-fixtures';
import { expectFlowFailure, runFlow } from '../../support/flow-runs';
import { startWorkflowHarness, type WorkflowHarness } from '../../support/workflow-harness';

const FLOW_FILE = path.join(__dirname, '..', '..', '..', 'config', 'flows', 'deal-won.yaml');
/** Account managers whose mailbox refuses mail: the booking email fails after the sales order exists. */
const UNREACHABLE = /^am-unreachable-/;

function dealWonFlow(): Record<string, unknown> {
  const parsed = parseFlowDocument(readFileSync(FLOW_FILE, 'utf8'), 'application/yaml');
  if (!parsed.ok) throw new Error(`config/flows/deal-won.yaml does not parse: ${JSON.stringify(parsed.issues)}`);
  return parsed.document;
}

describe('The deal-won flow on the time-skipping server: the approval timeout and the saga', function () {
  this.timeout(120_000);
  let harness: WorkflowHarness;
  const flow = dealWonFlow();

  before(async () => {
    harness = await startWorkflowHarness('wf_deal_won_flow', { rejectRecipients: UNREACHABLE });
  });
  after(() => harness?.close());

  const salesOrdersOf = async (dealId: string) =>
    (
      await harness.db.models.SandboxRecord.findAll({ where: { instance: 'erp.main', collection: 'salesOrders' } })
    ).filter((order) => order.data.externalReference === `deal-${dealId}`);

  it('when nobody decides on a big deal within 3 days, then the run fails with a timeout at the approval, books nothing and tells the account manager', async () => {
    const ordersBefore = await countSandboxRecords(harness.db.models, 'erp.main', 'salesOrders');
    const input = newDealInput({ amount: 2_000_000 });
    // No event is ever sent: waiting for the result skips time past the listen task's 3-day timeout.
    const run = await runFlow(harness, flow, input);
    const failure = await expectFlowFailure(run.outcome);
    expect(failure.task).to.equal('/do/0/deal/try/4/awaitApproval');
    expect(failure.error).to.include({
      type: DslErrorType.timeout,
      status: 408,
      instance: '/do/0/deal/try/4/awaitApproval',
    });
    expect(run.progress.status).to.equal('FAILED');
    expect(run.progress.compensations).to.deep.equal([]);
    expect(await countSandboxRecords(harness.db.models, 'erp.main', 'salesOrders')).to.equal(ordersBefore);
    const mail = await harness.smtp.waitFor((m) => m.subject === `Deal ${input.deal.name} could not be booked`);
    expect(mail.text).to.contain('no approval decision arrived within 3 days.');
  });

  it('when an approval arrives on day 2, then the deal is booked', async () => {
    const input = newDealInput({ amount: 2_000_000 });
    const run = await runFlow(harness, flow, input, async (handle) => {
      await harness.env.sleep('2 days');
      await handle.executeUpdate(FLOW_EVENT_UPDATE, {
        args: [{ type: 'com.junction.deal.approved', data: { by: 'director@example.com' } }],
      });
    });
    expect(await run.outcome).to.include({ outcome: 'booked', approvedBy: 'director@example.com' });
    expect(await salesOrdersOf(input.deal.id)).to.have.length(1);
  });

  it('when the booking email cannot be delivered after the sales order was created, then the sales order is cancelled (metadata.compensate)', async () => {
    const input = newDealInput({ accountManager: { email: `am-unreachable-${Date.now()}@junction.example` } });
    const run = await runFlow(harness, flow, input);
    const failure = await expectFlowFailure(run.outcome);
    // The catch's own email to the same mailbox fails too: the run fails there, after the booking email.
    expect(failure.task).to.equal('/do/0/deal/catch/do/0/tellFailure');
    expect(failure.error).to.include({ title: 'INVALID_REQUEST' });
    expect(failure.error.detail).to.contain('550 Mailbox unavailable');
    expect(run.progress.status).to.equal('FAILED');
    expect(run.progress.compensations).to.deep.equal([{ step: 'cancelSalesOrder', outcome: 'done' }]);
    const orders = await salesOrdersOf(input.deal.id);
    expect(orders.map((order) => order.data.status)).to.deep.equal(['cancelled']);
  });
});
