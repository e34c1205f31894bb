import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { expect } from 'chai';
import { countSandboxRecords } from '../../connectors/sandbox/sandbox-admin';
import { approveUpdate, type PurchaseApprovalInput } from '../../workflows/purchase-approval/purchase-approval.types';
import { progressQuery } from '../../workflows/shared/progress';
import {
  createPurchaseHarness,
  defaultPolicyYaml,
  newPurchaseRequest,
  waitForPending,
  type PurchaseHarness,
  type PurchasePeople,
  type PurchaseRequest,
} from './fixtures/purchase-approval.harness';

/** The default policy, plus a policy of its own for CC-4711 with lower thresholds and the second approver first. */
const withCostCentrePolicy = (people: PurchasePeople) => `${defaultPolicyYaml(people)}  cc-4711:
    costCentres: [cc-4711]
    thresholds: { EUR: { oneApproverFrom: 0, twoApproversFrom: 200000 } }
    approvers:
      - { email: ${people.second}, managerEmail: ${people.secondManager} }
      - { email: ${people.first}, managerEmail: ${people.firstManager} }
`;

describe('purchaseApproval decided by the server policy (time-skipping server, policies parsed by the worker loader)', function () {
  this.timeout(120_000);
  let h: PurchaseHarness;

  before(async () => {
    h = await createPurchaseHarness('wf_purchase_policy');
  });

  after(async () => {
    await h?.close();
  });

  /** How the run failed: its failure, its progress, and what it created or sent. */
  async function failureOf(request: PurchaseRequest) {
    const ordersBefore = await countSandboxRecords(h.db.models, 'erp.main', 'purchaseOrders');
    const { error, progress } = await h.run(request, async (handle) => ({
      error: await handle.result().then(
        () => null,
        (e: unknown) => e,
      ),
      progress: await handle.query(progressQuery),
    }));
    expect(error).to.be.instanceOf(WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause;
    expect(cause).to.be.instanceOf(ApplicationFailure);
    return {
      failure: cause as ApplicationFailure,
      progress,
      ordersCreated: (await countSandboxRecords(h.db.models, 'erp.main', 'purchaseOrders')) - ordersBefore,
      mails: h.smtp.messages.filter((m) => m.subject?.includes(request.input.requestId)).length,
    };
  }

  it('when the cost centre has a policy of its own, then it decides instead of the default: its thresholds and its chain', async () => {
    const small = newPurchaseRequest('small', { policyYaml: withCostCentrePolicy });
    const { pending, result } = await h.run(small, async (handle) => {
      const pending = await waitForPending(handle, 1);
      await handle.executeUpdate(approveUpdate, { args: [{ approver: small.people.second }] });
      return { pending, result: await handle.result() };
    });
    // 250.00 EUR: approved at once under the default, one approver (the policy's first link) under CC-4711's.
    expect(pending).to.deep.include({ step: 1, steps: 1, approver: small.people.second });
    expect(result).to.deep.include({
      decision: 'approved',
      decidedBy: [small.people.second],
      policy: 'cc-4711',
      automatic: false,
    });

    const elsewhere = newPurchaseRequest('small', {
      policyYaml: withCostCentrePolicy,
      input: { costCentre: 'CC-9999' },
    });
    const byDefault = await h.run(elsewhere, (handle) => handle.result());
    expect(byDefault).to.deep.include({ decision: 'approved', automatic: true, policy: 'default' });

    // 2,400.00 EUR needs two approvers under CC-4711's policy (from 2,000.00), one under the default.
    const medium = newPurchaseRequest('medium', { policyYaml: withCostCentrePolicy });
    const asked = await h.run(medium, async (handle) => {
      const first = await waitForPending(handle, 1);
      await handle.cancel();
      return first;
    });
    expect(asked).to.deep.include({ steps: 2, approver: medium.people.second });
  });

  it('when a start bypasses the API with a policy and approvers in its input, then both are ignored and the server policy decides', async () => {
    const request = newPurchaseRequest('large');
    const { people } = request;
    const smuggled: PurchaseApprovalInput = {
      ...request.input,
      policy: {
        oneApproverFrom: 9e15,
        twoApproversFrom: 9e15 + 1,
        reminderAfter: '24h',
        escalateAfter: '48h',
        autoRejectAfter: '7d',
      },
      approvers: [{ email: people.requester, managerEmail: people.requester }],
    };
    const ordersBefore = await countSandboxRecords(h.db.models, 'erp.main', 'purchaseOrders');
    const { pending, progress } = await h.run({ ...request, input: smuggled }, async (handle) => {
      const pending = await waitForPending(handle, 1);
      const progress = await handle.query(progressQuery);
      await handle.cancel();
      return { pending, progress };
    });
    expect(pending).to.deep.include({ step: 1, steps: 2, approver: people.first });
    expect(progress.stepsDone).to.deep.equal(['approvalPolicy']);
    expect(await countSandboxRecords(h.db.models, 'erp.main', 'purchaseOrders')).to.equal(ordersBefore);
  });

  it('when the requester is a link’s approver or its manager, then that link is skipped and the next one decides', async () => {
    for (const requesterIs of ['first', 'firstManager'] as const) {
      const request = newPurchaseRequest('medium');
      const { people } = request;
      const input = { ...request.input, requester: { email: people[requesterIs], name: 'In the chain' } };
      const result = await h.run({ ...request, input }, async (handle) => {
        await waitForPending(handle, 1, people.second);
        await handle.executeUpdate(approveUpdate, { args: [{ approver: people.second }] });
        return handle.result();
      });
      expect(result, requesterIs).to.deep.include({ decision: 'approved', decidedBy: [people.second] });
    }
  });

  it('when the requester is in the chain and too few links are left for the total, then the run fails ApprovalPolicyUnresolved and nothing is ordered', async () => {
    const request = newPurchaseRequest('large');
    const { people } = request;
    const { failure, progress, ordersCreated, mails } = await failureOf({
      ...request,
      input: { ...request.input, requester: { email: people.first, name: 'Approver' } },
    });
    expect(failure.type).to.equal('ApprovalPolicyUnresolved');
    expect(failure.nonRetryable).to.equal(true);
    expect(failure.message).to.equal(
      `Purchase request ${request.input.requestId}: A total of 1500000 EUR (minor units) needs 2 approvers; approval policy "default" has 1 who may decide for ${people.first} (1 left out: the requester is their approver or manager).`,
    );
    expect(progress).to.deep.include({ status: 'FAILED', stepsDone: [] });
    expect(progress.failure).to.deep.include({ step: 'approvalPolicy', type: 'ApprovalPolicyUnresolved' });
    expect({ ordersCreated, mails }).to.deep.equal({ ordersCreated: 0, mails: 0 });
  });

  it('when no policy decides the cost centre, or the policy has no thresholds in the currency, then the run fails ApprovalPolicyUnresolved', async () => {
    const onlyOther = (people: PurchasePeople) =>
      defaultPolicyYaml(people).replace('  default:\n', '  finance:\n    costCentres: [CC-1000]\n');
    const noPolicy = await failureOf(newPurchaseRequest('medium', { policyYaml: onlyOther }));
    expect(noPolicy.failure.type).to.equal('ApprovalPolicyUnresolved');
    expect(noPolicy.failure.message).to.match(
      /No approval policy decides cost centre CC-4711, and there is no default policy \(policies: finance;/,
    );
    expect(noPolicy.ordersCreated).to.equal(0);

    const inDollars = await failureOf(newPurchaseRequest('small', { input: { currency: 'USD' } }));
    expect(inDollars.failure.type).to.equal('ApprovalPolicyUnresolved');
    expect(inDollars.failure.message).to.contain('Approval policy "default" has no thresholds in USD (it covers EUR).');
    expect(inDollars.ordersCreated).to.equal(0);
  });
});
