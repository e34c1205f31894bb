import { expect } from 'chai';
import type { PurchaseApprovalRequest, PurchaseApprovalResult } from '../../workflows/purchase-approval/purchase-approval.types';
import type { Progress } from '../../workflows/shared/progress';
import { keyedCall, waitForRun as pollRun, type Reply } from '../support/api-client';
import { startApiStack, type ApiStack } from '../support/api-stack';
import { uniqueId } from '../support/order-fixtures';
import { LINES, recipientsOf, type PurchasePeople } from '../workflows/fixtures/purchase-approval.harness';

interface RunView {
  status: string;
  searchAttributes: Record<string, unknown>;
  progress: Progress | null;
  result?: PurchaseApprovalResult;
}

describe('purchaseApproval end to end: business system → API → Temporal dev server → worker → sandbox ERP → SMTP', function () {
  this.timeout(120_000);
  let stack: ApiStack;
  let key: string;
  const keyed = keyedCall(() => stack.api.url, () => key);

  before(async function () {
    stack = await startApiStack({ label: 'purchase_e2e' });
    key = await stack.createKey('procurement', ['runs:read', 'runs:write']);
  });

  after(async function () {
    await stack?.close();
  });

  const call = (method: 'GET' | 'POST', path: string, body?: unknown): Promise<Reply> => keyed(method, path, { body });

  /** A request as a procurement system would post it: no policy, so the defaults apply. */
  function newRequest(size: keyof typeof LINES, overrides: Partial<PurchaseApprovalRequest> = {}): { request: PurchaseApprovalRequest; people: PurchasePeople } {
    const requestId = uniqueId('PO-REQ');
    const tag = requestId.toLowerCase();
    const people: PurchasePeople = {
      requester: `requester-${tag}@corp.example`,
      first: `first-${tag}@corp.example`,
      firstManager: `first-boss-${tag}@corp.example`,
      second: `second-${tag}@corp.example`,
      secondManager: `second-boss-${tag}@corp.example`,
    };
    const request: PurchaseApprovalRequest = {
      requestId,
      requester: { email: people.requester, name: 'Grace Hopper' },
      costCentre: 'CC-4711',
      supplier: 'ACME Office Supplies',
      currency: 'EUR',
      lines: LINES[size].map((line) => ({ ...line })),
      approvers: [
        { email: people.first, managerEmail: people.firstManager },
        { email: people.second, managerEmail: people.secondManager },
      ],
      ...overrides,
    };
    return { request, people };
  }

  async function start(request: PurchaseApprovalRequest): Promise<string> {
    const reply = await call('POST', '/v1/runs', { type: 'purchaseApproval', input: request });
    expect(reply.status, JSON.stringify(reply.body)).to.equal(202);
    expect(reply.body.workflowId).to.equal(`purchase-${request.requestId}`);
    return String(reply.body.workflowId);
  }

  const waitForRun = (workflowId: string, ready: (run: RunView) => boolean) => pollRun<RunView>(keyed, workflowId, ready);

  const decide = (workflowId: string, update: 'approve' | 'reject', body: unknown) => call('POST', `/v1/runs/${workflowId}/updates/${update}`, body);

  it('when two approvers approve in turn through the API, then a wrong approver is refused with 422, the order is created in the ERP and the requester emailed', async () => {
    const { request, people } = newRequest('large');
    const workflowId = await start(request);

    const waiting = await waitForRun(workflowId, (run) => run.progress?.pending?.step === 1);
    expect(waiting.progress?.pending).to.deep.include({ step: 1, steps: 2, approver: people.first, escalated: false });
    expect(waiting.searchAttributes).to.include({ BusinessKey: request.requestId });
    const stillWaiting = await waitForRun(workflowId, (run) => run.searchAttributes.ProcessStatus === 'WAITING_FOR_APPROVAL');

    const wrong = await decide(workflowId, 'approve', { approver: people.second, comment: 'me first' });
    expect(wrong.status).to.equal(422);
    expect(wrong.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(wrong.body).to.include({ type: '/problems/update-rejected' });
    expect(wrong.body.detail).to.equal(`${people.second} may not decide step 1 of 2: it is waiting for ${people.first}.`);
    const unchanged = await waitForRun(workflowId, () => true);
    expect(unchanged.progress).to.deep.equal(stillWaiting.progress);

    const malformed = await decide(workflowId, 'approve', { approver: 'first approver' });
    expect(malformed.status).to.equal(400);
    expect(malformed.body.errors).to.deep.equal([{ field: 'approver', message: 'Invalid email address' }]);

    const first = await decide(workflowId, 'approve', { approver: people.first, comment: 'within budget' });
    expect(first.status, JSON.stringify(first.body)).to.equal(200);
    expect(first.body).to.include({ workflowId, update: 'approve' });
    expect(first.body.result).to.deep.include({ requestId: request.requestId, status: 'pending' });
    expect((first.body.result as { pending: unknown }).pending).to.deep.include({ step: 2, approver: people.second });

    // As in life, the second approver acts on the email asking them.
    await stack.smtp.waitFor((m) => m.subject?.startsWith(`Approval needed: purchase request ${request.requestId}`) === true && recipientsOf(m).includes(people.second));
    const second = await decide(workflowId, 'approve', { approver: people.second });
    expect(second.status, JSON.stringify(second.body)).to.equal(200);
    expect(second.body.result).to.deep.include({ status: 'approved', pending: null });

    const done = await waitForRun(workflowId, (run) => run.status !== 'RUNNING');
    expect(done.status).to.equal('COMPLETED');
    expect(done.searchAttributes).to.include({ ProcessStatus: 'COMPLETED', BusinessKey: request.requestId });
    expect(done.progress?.stepsDone).to.deep.equal(['approval-1', 'approval-2', 'createPurchaseOrder', 'notifyRequester']);
    expect(done.result).to.deep.include({ decision: 'approved', decidedBy: [people.first, people.second], automatic: false });
    const order = await stack.db.models.SandboxRecord.findOne({ where: { id: done.result?.purchaseOrderId ?? '' } });
    expect(order?.instance).to.equal('erp.main');
    expect(order?.data).to.deep.include({ externalReference: request.requestId, supplier: 'ACME Office Supplies', currency: 'EUR' });

    const asks = stack.smtp.messages.filter((m) => m.subject?.startsWith(`Approval needed: purchase request ${request.requestId}`));
    expect(asks.map(recipientsOf)).to.deep.equal([[people.first], [people.second]]);
    const mail = await stack.smtp.waitFor((m) => m.subject === `Your purchase request ${request.requestId} is approved`);
    expect(recipientsOf(mail)).to.deep.equal([people.requester]);
    expect(mail.text).to.contain(done.result?.purchaseOrderId).and.contain('€15,000.00');

    const late = await decide(workflowId, 'approve', { approver: people.second });
    expect(late.status).to.equal(409);
    expect(late.body).to.include({ type: '/problems/run-not-running' });
  });

  it('when the approver rejects through the API, then a reason is required and the requester is emailed it', async () => {
    const { request, people } = newRequest('medium');
    const workflowId = await start(request);
    await waitForRun(workflowId, (run) => run.progress?.pending?.approver === people.first);

    const noReason = await decide(workflowId, 'reject', { approver: people.first });
    expect(noReason.status).to.equal(400);
    expect((noReason.body.errors as { field: string }[]).map((e) => e.field)).to.deep.equal(['comment']);

    const rejected = await decide(workflowId, 'reject', { approver: people.first, comment: 'Order from the framework supplier.' });
    expect(rejected.status, JSON.stringify(rejected.body)).to.equal(200);
    expect(rejected.body.result).to.deep.include({ status: 'rejected', reason: 'Order from the framework supplier.' });

    const done = await waitForRun(workflowId, (run) => run.status !== 'RUNNING');
    expect(done.result).to.deep.include({ decision: 'rejected', reason: 'Order from the framework supplier.' });
    expect(done.result?.purchaseOrderId).to.equal(undefined);
    const mail = await stack.smtp.waitFor((m) => m.subject === `Your purchase request ${request.requestId} was rejected`);
    expect(recipientsOf(mail)).to.deep.equal([people.requester]);
    expect(mail.text).to.contain('Reason: Order from the framework supplier.');
  });

  it('when the step is escalated on a short policy, then the manager decides through the API', async () => {
    const { request, people } = newRequest('medium', { policy: { reminderAfter: '1s', escalateAfter: '2s', autoRejectAfter: '5m' } });
    const workflowId = await start(request);
    const escalated = await waitForRun(workflowId, (run) => run.progress?.pending?.escalated === true);
    expect(escalated.progress?.pending).to.deep.include({ approver: people.firstManager, escalatedFrom: people.first });
    expect(recipientsOf(await stack.smtp.waitFor((m) => m.subject === `Reminder: purchase request ${request.requestId} is waiting for your approval`))).to.deep.equal([people.first]);
    expect(recipientsOf(await stack.smtp.waitFor((m) => m.subject === `Escalated: purchase request ${request.requestId} needs your approval`))).to.deep.equal([people.firstManager]);

    const approved = await decide(workflowId, 'approve', { approver: people.firstManager });
    expect(approved.status, JSON.stringify(approved.body)).to.equal(200);
    const done = await waitForRun(workflowId, (run) => run.status !== 'RUNNING');
    expect(done.result).to.deep.include({ decision: 'approved', decidedBy: [people.firstManager] });
  });

  it('when the chain is too short for the amount, then the start is refused with 400 naming the approvers', async () => {
    const { request } = newRequest('large');
    const reply = await call('POST', '/v1/runs', { type: 'purchaseApproval', input: { ...request, approvers: request.approvers?.slice(0, 1) } });
    expect(reply.status).to.equal(400);
    expect(reply.body.errors).to.deep.equal([{ field: 'input.approvers', message: 'a total of 1500000 (minor units) needs 2 approvers, 1 given' }]);
  });

  it('lists purchaseApproval in the catalog with the approve and reject argument schemas', async () => {
    const reply = await call('GET', '/v1/workflows');
    const entry = (reply.body.items as { type: string; updates: { name: string; inputSchema: { required?: string[] } }[] }[]).find((item) => item.type === 'purchaseApproval');
    expect(entry?.updates.map((update) => update.name)).to.deep.equal(['approve', 'reject']);
    expect(entry?.updates[1]?.inputSchema.required).to.deep.equal(['approver', 'comment']);
  });
});
