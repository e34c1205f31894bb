import { expect } from 'chai';
import { countSandboxRecords } from '../../connectors/sandbox/sandbox-admin';
import { expectProblem, keyedCall, waitForRun } from '../support/api-client';
import { newDealInput } from '../support/deal-fixtures';
import { terminateRuns } from '../support/temporal-cleanup';
import { startFlowStack, type FlowRunView, type FlowStack } from './flow-stack.support';

interface DealResult {
  dealId: string;
  outcome: 'booked' | 'rejected';
  approvedBy?: string | null;
  rejectedBy?: string | null;
  reason?: string | null;
  customerId: string;
  salesOrderId?: string;
  total?: { amount: number; currency: string };
  messageId: string;
}
type RunView = FlowRunView<DealResult>;

const FLOW_TYPE = 'flow:deal-won';
const APPROVED = 'com.junction.deal.approved';
const REJECTED = 'com.junction.deal.rejected';

describe('The deal-won flow end to end: config/flows/deal-won.yaml → POST /v1/runs → dev server → CRM, ERP, approval event, email', function () {
  this.timeout(180_000);
  let stack: FlowStack;
  let key: string;
  const started = new Set<string>();
  const call = keyedCall(
    () => stack.api.url,
    () => key,
  );

  before(async () => {
    stack = await startFlowStack('flow_deal_e2e');
    key = await stack.createKey('crm', ['runs:read', 'runs:write']);
  });

  after(async () => {
    await terminateRuns(stack?.temporal, started);
    await stack?.close();
  });

  const start = async (input: ReturnType<typeof newDealInput>) => {
    const reply = await call<{ workflowId: string; runId: string }>('POST', '/v1/runs', {
      body: { type: FLOW_TYPE, input },
    });
    expect(reply.status, reply.text).to.equal(202);
    expect(reply.body.workflowId).to.equal(`${FLOW_TYPE}:${input.deal.id}`);
    started.add(reply.body.workflowId);
    return reply.body.workflowId;
  };
  const sendEvent = (workflowId: string, event: { type: string; data?: unknown }) =>
    call('POST', `/v1/runs/${encodeURIComponent(workflowId)}/updates/event`, { body: event });
  const waitingForDecision = (workflowId: string) =>
    waitForRun<RunView>(call, workflowId, (run) => run.progress?.details?.waitingFor === 'event');
  const salesOrdersOf = async (dealId: string) =>
    (
      await stack.db.models.SandboxRecord.findAll({ where: { instance: 'erp.main', collection: 'salesOrders' } })
    ).filter((order) => order.data.externalReference === `deal-${dealId}`);
  const mailsTo = (email: string) =>
    stack.smtp.messages.filter((m) => (m.to && 'text' in m.to ? m.to.text : '').includes(email));

  it('publishes config/flows/deal-won.yaml at start-up against the default connector instances', () => {
    expect(stack.flowFiles.published).to.include('deal-won@1.0.0');
  });

  it('when a deal within the limit is won, then it completes without approval: CRM company and contact, ERP customer, one sales order, one email to the account manager', async () => {
    const companiesBefore = await countSandboxRecords(stack.db.models, 'crm.main', 'companies');
    const input = newDealInput({ amount: 250_000 });
    const run = await waitForRun<RunView>(call, await start(input));
    expect(run.status, JSON.stringify(run)).to.equal('COMPLETED');
    expect(run.searchAttributes).to.include({ BusinessKey: input.deal.id, ProcessStatus: 'COMPLETED' });
    expect(run.result).to.include({ dealId: input.deal.id, outcome: 'booked', approvedBy: null });
    expect(run.result?.total).to.deep.equal({ amount: 250_000, currency: 'EUR' });
    expect(run.progress?.stepsDone.some((step) => step.includes('awaitApproval'))).to.equal(false);

    expect(await countSandboxRecords(stack.db.models, 'crm.main', 'companies')).to.equal(companiesBefore + 1);
    const customer = await stack.db.models.SandboxRecord.findOne({ where: { id: run.result?.customerId ?? '' } });
    expect(customer?.data).to.include({ email: input.deal.contact.email, name: input.deal.company.name });
    const orders = await salesOrdersOf(input.deal.id);
    expect(orders.map((order) => order.id)).to.deep.equal([run.result?.salesOrderId]);
    expect(orders[0]?.data).to.deep.include({
      status: 'open',
      customerId: run.result?.customerId,
      lines: [{ sku: 'DEAL-SERVICES', quantity: 1, unitAmount: 250_000 }],
    });
    const mail = await stack.smtp.waitFor(
      (m) => m.subject === `Deal ${input.deal.name} is booked: sales order ${run.result?.salesOrderId}`,
    );
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').to.contain(input.deal.accountManager.email);
    expect(mail.text).to.contain('2500.00 EUR').and.not.contain('Approved by');
    expect(mail.messageId).to.equal(run.result?.messageId);
  });

  it('when a deal above the limit is won, then the run waits for a decision (progress shows it) and, once approved through the event update, books one sales order and sends one email', async () => {
    const input = newDealInput({
      amount: 1_500_000,
      lines: [
        { sku: 'LICENSE-ENT', quantity: 10, unitAmount: 120_000 },
        { sku: 'ONBOARDING', quantity: 1, unitAmount: 300_000 },
      ],
    });
    const workflowId = await start(input);
    const waiting = await waitingForDecision(workflowId);
    expect(waiting.status).to.equal('RUNNING');
    expect(waiting.progress?.status).to.equal('RUNNING');
    expect(waiting.progress?.details).to.deep.equal({ waitingFor: 'event', task: '/do/0/deal/try/4/awaitApproval' });
    expect(waiting.progress?.stepsDone.some((step) => step.includes('upsertErpCustomer'))).to.equal(true);
    expect(await salesOrdersOf(input.deal.id)).to.have.length(0);

    const unexpected = await sendEvent(workflowId, { type: 'com.junction.deal.lost' });
    expect(unexpected.status, unexpected.text).to.equal(422);
    const approved = await sendEvent(workflowId, { type: APPROVED, data: { by: 'director@example.com' } });
    expect(approved.status, approved.text).to.equal(200);
    expect(approved.body.result).to.deep.equal({ accepted: true, task: '/do/0/deal/try/4/awaitApproval' });

    const run = await waitForRun<RunView>(call, workflowId);
    expect(run.status, JSON.stringify(run)).to.equal('COMPLETED');
    expect(run.result).to.include({ outcome: 'booked', approvedBy: 'director@example.com' });
    expect(run.result?.total).to.deep.equal({ amount: 1_500_000, currency: 'EUR' });
    expect(await salesOrdersOf(input.deal.id)).to.have.length(1);
    // A late second decision: the run has ended.
    const late = await sendEvent(workflowId, { type: REJECTED, data: { by: 'ceo@example.com' } });
    expectProblem(late, 409, 'run-not-running');

    const mail = await stack.smtp.waitFor(
      (m) => m.subject === `Deal ${input.deal.name} is booked: sales order ${run.result?.salesOrderId}`,
    );
    expect(mail.text).to.contain('15000.00 EUR').and.contain('Approved by director@example.com');
    expect(mailsTo(input.deal.accountManager.email)).to.have.length(1);
  });

  it('when a deal above the limit is rejected, then it completes as rejected: no sales order, and the account manager is told who rejected it and why', async () => {
    const ordersBefore = await countSandboxRecords(stack.db.models, 'erp.main', 'salesOrders');
    const input = newDealInput({ amount: 5_000_000 });
    const workflowId = await start(input);
    await waitingForDecision(workflowId);
    const rejected = await sendEvent(workflowId, {
      type: REJECTED,
      data: { by: 'director@example.com', reason: 'discount above policy' },
    });
    expect(rejected.status, rejected.text).to.equal(200);

    const run = await waitForRun<RunView>(call, workflowId);
    expect(run.status, JSON.stringify(run)).to.equal('COMPLETED');
    expect(run.result).to.include({
      outcome: 'rejected',
      rejectedBy: 'director@example.com',
      reason: 'discount above policy',
    });
    expect(run.result).to.not.have.property('salesOrderId');
    expect(run.progress?.compensations).to.deep.equal([]);
    expect(await salesOrdersOf(input.deal.id)).to.have.length(0);
    expect(await countSandboxRecords(stack.db.models, 'erp.main', 'salesOrders')).to.equal(ordersBefore);
    const mail = await stack.smtp.waitFor((m) => m.subject === `Deal ${input.deal.name} was rejected`);
    expect(mail.text).to.contain('rejected by director@example.com: discount above policy');
    expect(mail.text).to.contain('No sales order was created.');
    expect(mailsTo(input.deal.accountManager.email)).to.have.length(1);
  });
});
