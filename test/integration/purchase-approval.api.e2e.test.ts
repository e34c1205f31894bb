import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type {
  PurchaseApprovalRequest,
  PurchaseApprovalResult,
} from '../../workflows/purchase-approval/purchase-approval.types';
import type { Progress } from '../../workflows/shared/progress';
import { expectProblem, keyedCall, waitForRun as pollRun, type Reply } from '../support/api-client';
import { startApiStack, type ApiStack } from '../support/api-stack';
import { uniqueId } from '../support/order-fixtures';
import { purchaseRequestInput, type PurchaseSize } from '../support/purchase-fixtures';
import {
  defaultPolicyYaml,
  purchasePeople,
  recipientsOf,
  type PurchasePeople,
} from '../workflows/fixtures/purchase-approval.harness';

interface RunView {
  status: string;
  searchAttributes: Record<string, unknown>;
  progress: Progress | null;
  result?: PurchaseApprovalResult;
}

const FAST_COST_CENTRE = 'CC-FAST';

describe('purchaseApproval end to end: business system → API → Temporal dev server → worker (policy file) → sandbox ERP → SMTP', function () {
  this.timeout(120_000);
  let stack: ApiStack;
  let policyDir: string;
  let key: string;
  /** Each approver's own key (actsAs), as an approval app would hold it for them. */
  const keyOf: Record<keyof PurchasePeople, string> = {
    requester: '',
    first: '',
    firstManager: '',
    second: '',
    secondManager: '',
  };
  const tag = uniqueId('pa-e2e').toLowerCase();
  const people = purchasePeople(tag);
  const keyed = keyedCall(
    () => stack.api.url,
    () => key,
  );

  before(async function () {
    policyDir = await mkdtemp(join(tmpdir(), 'junction-policies-'));
    const file = join(policyDir, 'approval-policies.yaml');
    // The default policy, and one for CC-FAST whose steps escalate within seconds.
    await writeFile(
      file,
      `${defaultPolicyYaml(people)}  fast:
    costCentres: [${FAST_COST_CENTRE}]
    thresholds: { EUR: { oneApproverFrom: 100000, twoApproversFrom: 1000000 } }
    reminderAfter: 1s
    escalateAfter: 2s
    autoRejectAfter: 5m
    approvers:
      - { email: ${people.first}, managerEmail: ${people.firstManager} }
      - { email: ${people.second}, managerEmail: ${people.secondManager} }
`,
    );
    stack = await startApiStack({ label: 'purchase_e2e', env: { APPROVAL_POLICIES_FILE: file } });
    key = await stack.createKey('procurement', ['runs:read', 'runs:write']);
    for (const person of Object.keys(keyOf) as (keyof PurchasePeople)[])
      keyOf[person] = await stack.createKey(`approvals app: ${person}`, ['runs:write'], people[person]);
  });

  after(async function () {
    await stack?.close();
    if (policyDir) await rm(policyDir, { recursive: true, force: true });
  });

  const call = (method: 'GET' | 'POST', path: string, body?: unknown): Promise<Reply> => keyed(method, path, { body });

  /** A request as a procurement system posts it: who approves is the server's policy. */
  function newRequest(size: PurchaseSize, overrides: Partial<PurchaseApprovalRequest> = {}): PurchaseApprovalRequest {
    return purchaseRequestInput(size, {
      requester: { email: people.requester, name: 'Grace Hopper' },
      ...overrides,
    });
  }

  async function start(request: PurchaseApprovalRequest): Promise<string> {
    const reply = await call('POST', '/v1/runs', { type: 'purchaseApproval', input: request });
    expect(reply.status, JSON.stringify(reply.body)).to.equal(202);
    expect(reply.body.workflowId).to.equal(`purchase-${request.requestId}`);
    return String(reply.body.workflowId);
  }

  const waitForRun = (workflowId: string, ready: (run: RunView) => boolean) =>
    pollRun<RunView>(keyed, workflowId, ready);

  /** A decision sent with `as`'s own key. */
  const decide = (workflowId: string, update: 'approve' | 'reject', as: keyof PurchasePeople | null, body?: unknown) =>
    keyed('POST', `/v1/runs/${workflowId}/updates/${update}`, { key: as === null ? key : keyOf[as], body });

  it('when two approvers approve in turn with their own keys, then anyone else is refused, the order is created in the ERP and the requester emailed', async () => {
    const request = newRequest('large');
    const workflowId = await start(request);

    const waiting = await waitForRun(workflowId, (run) => run.progress?.pending?.step === 1);
    expect(waiting.progress?.pending).to.deep.include({ step: 1, steps: 2, approver: people.first, escalated: false });
    expect(waiting.searchAttributes).to.include({ BusinessKey: request.requestId });
    const stillWaiting = await waitForRun(
      workflowId,
      (run) => run.searchAttributes.ProcessStatus === 'WAITING_FOR_APPROVAL',
    );

    // The second approver's own key, but not their turn: the workflow's validator refuses it.
    const early = await decide(workflowId, 'approve', 'second', { comment: 'me first' });
    expectProblem(early, 422, 'update-rejected');
    expect(early.body.detail).to.equal(
      `${people.second} may not decide step 1 of 2: it is waiting for ${people.first}.`,
    );
    // The procurement system's key acts for nobody; the second approver's key may not speak for the first.
    expectProblem(
      await decide(workflowId, 'approve', null, { approver: people.first }),
      403,
      'personal-credential-required',
    );
    const impersonated = await decide(workflowId, 'approve', 'second', { approver: people.first });
    expectProblem(impersonated, 403, 'actor-mismatch');
    expect(impersonated.body.detail).to.contain(`acts for ${people.second}`).and.contain(`as ${people.first}`);
    expect((await waitForRun(workflowId, () => true)).progress).to.deep.equal(stillWaiting.progress);

    const badComment = await decide(workflowId, 'approve', 'first', { comment: 42 });
    expectProblem(badComment, 400, 'validation-error');
    expect((badComment.body.errors as { field: string }[]).map((e) => e.field)).to.deep.equal(['comment']);

    // The approver's key names the approver: the body may leave it out, or name the same person.
    const first = await decide(workflowId, 'approve', 'first', { comment: 'within budget' });
    expect(first.status, first.text).to.equal(200);
    expect(first.body).to.include({ workflowId, update: 'approve' });
    expect(first.body.result).to.deep.include({ requestId: request.requestId, status: 'pending' });
    expect((first.body.result as { pending: unknown }).pending).to.deep.include({ step: 2, approver: people.second });

    // As in life, the second approver acts on the email asking them.
    await stack.smtp.waitFor(
      (m) =>
        m.subject?.startsWith(`Approval needed: purchase request ${request.requestId}`) === true &&
        recipientsOf(m).includes(people.second),
    );
    const second = await decide(workflowId, 'approve', 'second', { approver: people.second.toUpperCase() });
    expect(second.status, second.text).to.equal(200);
    expect(second.body.result).to.deep.include({ status: 'approved', pending: null });

    const done = await waitForRun(workflowId, (run) => run.status !== 'RUNNING');
    expect(done.status).to.equal('COMPLETED');
    expect(done.searchAttributes).to.include({ ProcessStatus: 'COMPLETED', BusinessKey: request.requestId });
    expect(done.progress?.stepsDone).to.deep.equal([
      'approvalPolicy',
      'approval-1',
      'approval-2',
      'createPurchaseOrder',
      'notifyRequester',
    ]);
    expect(done.result).to.deep.include({
      decision: 'approved',
      decidedBy: [people.first, people.second],
      automatic: false,
      policy: 'default',
    });
    const order = await stack.db.models.SandboxRecord.findOne({ where: { id: done.result?.purchaseOrderId ?? '' } });
    expect(order?.instance).to.equal('erp.main');
    expect(order?.data).to.deep.include({
      externalReference: request.requestId,
      supplier: 'ACME Office Supplies',
      currency: 'EUR',
    });

    const asks = stack.smtp.messages.filter((m) =>
      m.subject?.startsWith(`Approval needed: purchase request ${request.requestId}`),
    );
    expect(asks.map(recipientsOf)).to.deep.equal([[people.first], [people.second]]);
    const mail = await stack.smtp.waitFor(
      (m) => m.subject === `Your purchase request ${request.requestId} is approved`,
    );
    expect(recipientsOf(mail)).to.deep.equal([people.requester]);
    expect(mail.text).to.contain(done.result?.purchaseOrderId).and.contain('€15,000.00');

    expectProblem(await decide(workflowId, 'approve', 'second'), 409, 'run-not-running');
  });

  it('when the approver rejects with their key, then a reason is required and the requester is emailed it', async () => {
    const request = newRequest('medium');
    const workflowId = await start(request);
    await waitForRun(workflowId, (run) => run.progress?.pending?.approver === people.first);

    const noReason = await decide(workflowId, 'reject', 'first', {});
    expectProblem(noReason, 400, 'validation-error');
    expect((noReason.body.errors as { field: string }[]).map((e) => e.field)).to.deep.equal(['comment']);

    const rejected = await decide(workflowId, 'reject', 'first', { comment: 'Order from the framework supplier.' });
    expect(rejected.status, rejected.text).to.equal(200);
    expect(rejected.body.result).to.deep.include({ status: 'rejected', reason: 'Order from the framework supplier.' });

    const done = await waitForRun(workflowId, (run) => run.status !== 'RUNNING');
    expect(done.result).to.deep.include({
      decision: 'rejected',
      reason: 'Order from the framework supplier.',
      decidedBy: [people.first],
    });
    expect(done.result?.purchaseOrderId).to.equal(undefined);
    const mail = await stack.smtp.waitFor(
      (m) => m.subject === `Your purchase request ${request.requestId} was rejected`,
    );
    expect(recipientsOf(mail)).to.deep.equal([people.requester]);
    expect(mail.text).to.contain('Reason: Order from the framework supplier.');
  });

  it('when the cost centre’s policy escalates within seconds, then the manager decides with their own key', async () => {
    const workflowId = await start(newRequest('medium', { costCentre: FAST_COST_CENTRE }));
    const escalated = await waitForRun(workflowId, (run) => run.progress?.pending?.escalated === true);
    expect(escalated.progress?.pending).to.deep.include({ approver: people.firstManager, escalatedFrom: people.first });
    const requestId = workflowId.replace(/^purchase-/, '');
    expect(
      recipientsOf(
        await stack.smtp.waitFor(
          (m) => m.subject === `Reminder: purchase request ${requestId} is waiting for your approval`,
        ),
      ),
    ).to.deep.equal([people.first]);
    expect(
      recipientsOf(
        await stack.smtp.waitFor((m) => m.subject === `Escalated: purchase request ${requestId} needs your approval`),
      ),
    ).to.deep.equal([people.firstManager]);

    const approved = await decide(workflowId, 'approve', 'firstManager');
    expect(approved.status, approved.text).to.equal(200);
    const done = await waitForRun(workflowId, (run) => run.status !== 'RUNNING');
    expect(done.result).to.deep.include({ decision: 'approved', decidedBy: [people.firstManager], policy: 'fast' });
  });

  it('lists purchaseApproval in the catalog: approve and reject need only a reason from the caller; policy and approvers are not accepted', async () => {
    const reply = await call('GET', '/v1/workflows');
    type Entry = {
      type: string;
      description: string;
      inputSchema: { properties: Record<string, { not?: unknown }> };
      updates: { name: string; inputSchema: { required?: string[] } }[];
    };
    const entry = (reply.body.items as Entry[]).find((item) => item.type === 'purchaseApproval');
    expect(entry?.updates.map((update) => update.name)).to.deep.equal(['approve', 'reject']);
    expect(entry?.updates[0]?.inputSchema.required).to.equal(undefined);
    expect(entry?.updates[1]?.inputSchema.required).to.deep.equal(['comment']);
    expect(entry?.inputSchema.properties.policy).to.deep.include({ not: {} });
    expect(entry?.inputSchema.properties.approvers).to.deep.include({ not: {} });
    expect(entry?.description).to.contain('config/approval-policies.yaml');
  });
});
