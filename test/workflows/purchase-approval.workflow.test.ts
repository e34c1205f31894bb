import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { expect } from 'chai';
import { clearSandboxFaults, countSandboxRecords, injectSandboxFault } from '../../connectors/sandbox/sandbox-admin';
import { approveUpdate, rejectUpdate } from '../../workflows/purchase-approval/purchase-approval.types';
import { progressQuery } from '../../workflows/shared/progress';
import {
  createPurchaseHarness,
  defaultPolicyYaml,
  newPurchaseRequest,
  recipientsOf,
  timerAccounting,
  waitForPending,
  type PurchaseHandle,
  type PurchaseHarness,
} from './fixtures/purchase-approval.harness';

describe('purchaseApproval decisions (time-skipping server, sandbox ERP, real SMTP)', function () {
  this.timeout(120_000);
  let h: PurchaseHarness;

  before(async () => {
    h = await createPurchaseHarness('wf_purchase');
  });

  after(async () => {
    await h?.close();
  });

  afterEach(() => clearSandboxFaults(h.db.models));

  /** The refusal a validator answered, or a failed test when the update was accepted. */
  async function refusalOf(update: Promise<unknown>): Promise<ApplicationFailure> {
    const error = await update.then(
      () => {
        throw new Error('expected the update to be refused');
      },
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(WorkflowUpdateFailedError);
    const cause = (error as WorkflowUpdateFailedError).cause;
    expect(cause).to.be.instanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).to.equal('DecisionRefused');
    return cause as ApplicationFailure;
  }

  async function acceptedUpdates(handle: PurchaseHandle): Promise<number> {
    const events = (await handle.fetchHistory()).events ?? [];
    return events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length;
  }

  it('when the total is below the first threshold, then it is approved at once, ordered in the ERP and the requester told', async () => {
    const request = newPurchaseRequest('small');
    const { input, people } = request;
    const { result, progress } = await h.run(request, async (handle) => ({
      result: await handle.result(),
      progress: await handle.query(progressQuery),
    }));
    expect(result).to.deep.include({
      requestId: input.requestId,
      decision: 'approved',
      decidedBy: [],
      automatic: true,
      total: { amount: 25_000, currency: 'EUR' },
      policy: 'default',
    });
    expect(progress.stepsDone).to.deep.equal([
      'approvalPolicy',
      'autoApproval',
      'createPurchaseOrder',
      'notifyRequester',
    ]);
    expect(progress.status).to.equal('COMPLETED');
    expect(progress.pending).to.equal(undefined);

    const order = await h.db.models.SandboxRecord.findOne({ where: { id: result.purchaseOrderId ?? '' } });
    expect(order?.data).to.deep.include({
      externalReference: input.requestId,
      supplier: 'ACME Office Supplies',
      currency: 'EUR',
    });
    const mail = await h.smtp.waitFor((m) => m.subject === `Your purchase request ${input.requestId} is approved`);
    expect(recipientsOf(mail)).to.deep.equal([people.requester]);
    expect(mail.text).to.contain(result.purchaseOrderId).and.contain('below the approval threshold');
    expect(
      h.smtp.messages.some((m) => m.subject?.startsWith('Approval needed') && m.subject.includes(input.requestId)),
    ).to.equal(false);
  });

  it('when one approver is needed and approves, then the update answers at once and the order is created', async () => {
    const request = newPurchaseRequest('medium');
    const { input, people } = request;
    const ordersBefore = await countSandboxRecords(h.db.models, 'erp.main', 'purchaseOrders');
    const { answer, result, timers } = await h.run(request, async (handle) => {
      const pending = await waitForPending(handle, 1, people.first);
      expect(pending).to.deep.include({ steps: 1, escalated: false });
      const ask = await h.smtp.waitFor(
        (m) => m.subject === `Approval needed: purchase request ${input.requestId} (€2,400.00)`,
      );
      expect(recipientsOf(ask)).to.deep.equal([people.first]);
      expect(ask.text).to.contain(`/v1/runs/purchase-${input.requestId}/updates/approve`);
      // The mail arrives before the workflow task that starts the reminder's timer: decide once that wait began.
      while ((await timerAccounting(handle)).started === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      const answer = await handle.executeUpdate(approveUpdate, {
        args: [{ approver: people.first.toUpperCase(), comment: 'ok for Q3' }],
      });
      return { answer, result: await handle.result(), timers: await timerAccounting(handle) };
    });
    expect(answer).to.deep.include({ requestId: input.requestId, status: 'approved', pending: null, automatic: false });
    expect(answer.decisions).to.have.length(1);
    expect(answer.decisions[0]).to.deep.include({
      step: 1,
      approver: people.first,
      decision: 'approved',
      comment: 'ok for Q3',
      byManager: false,
    });
    expect(result).to.deep.include({ decision: 'approved', decidedBy: [people.first], automatic: false });
    expect(await countSandboxRecords(h.db.models, 'erp.main', 'purchaseOrders')).to.equal(ordersBefore + 1);
    // Every wait's timer was cancelled when the decision came: none outlives its step.
    expect(timers.started).to.be.greaterThan(0);
    expect(timers.fired + timers.cancelled).to.equal(timers.started);
    const mail = await h.smtp.waitFor((m) => m.subject === `Your purchase request ${input.requestId} is approved`);
    expect(recipientsOf(mail)).to.deep.equal([people.requester]);
    expect(mail.text).to.contain(`by ${people.first}`).and.contain(result.purchaseOrderId);
  });

  it('when two approvers are needed, then they decide in sequence and the second is asked only after the first approved', async () => {
    const request = newPurchaseRequest('large');
    const { input, people } = request;
    const { afterFirst, early, result, progress } = await h.run(request, async (handle) => {
      await waitForPending(handle, 1, people.first);
      const early = await refusalOf(handle.executeUpdate(approveUpdate, { args: [{ approver: people.second }] }));
      const afterFirst = await handle.executeUpdate(approveUpdate, { args: [{ approver: people.first }] });
      await waitForPending(handle, 2, people.second);
      await h.smtp.waitFor(
        (m) =>
          m.subject?.startsWith(`Approval needed: purchase request ${input.requestId}`) === true &&
          recipientsOf(m).includes(people.second),
      );
      await handle.executeUpdate(approveUpdate, { args: [{ approver: people.second, comment: 'budget checked' }] });
      return { afterFirst, early, result: await handle.result(), progress: await handle.query(progressQuery) };
    });
    expect(early.message).to.contain('may not decide step 1 of 2');
    // The first approval moves the request to step 2 at once: there is no moment with nobody to ask.
    expect(afterFirst.status).to.equal('pending');
    expect(afterFirst.pending).to.deep.include({ step: 2, steps: 2, approver: people.second, escalated: false });
    expect(result.decidedBy).to.deep.equal([people.first, people.second]);
    expect(result.decision).to.equal('approved');
    expect(result.purchaseOrderId).to.be.a('string');
    expect(progress.stepsDone).to.deep.equal([
      'approvalPolicy',
      'approval-1',
      'approval-2',
      'createPurchaseOrder',
      'notifyRequester',
    ]);
    const asks = h.smtp.messages.filter((m) =>
      m.subject?.startsWith(`Approval needed: purchase request ${input.requestId}`),
    );
    expect(asks.map(recipientsOf)).to.deep.equal([[people.first], [people.second]]);
    expect(asks[1]?.text).to.contain('approval 2 of 2');
  });

  it('when the approver rejects with a reason, then nothing is ordered and the requester is told the reason', async () => {
    const request = newPurchaseRequest('large');
    const { input, people } = request;
    const ordersBefore = await countSandboxRecords(h.db.models, 'erp.main', 'purchaseOrders');
    const { noReason, result } = await h.run(request, async (handle) => {
      await waitForPending(handle, 1);
      await handle.executeUpdate(approveUpdate, { args: [{ approver: people.first }] });
      await waitForPending(handle, 2);
      // The workflow's own rule, for callers that bypass the API's schema.
      const noReason = await refusalOf(
        handle.executeUpdate(rejectUpdate, { args: [{ approver: people.second, comment: '  ' }] }),
      );
      const answer = await handle.executeUpdate(rejectUpdate, {
        args: [{ approver: people.second, comment: 'Use the framework contract with Globex instead.' }],
      });
      expect(answer).to.deep.include({
        status: 'rejected',
        pending: null,
        reason: 'Use the framework contract with Globex instead.',
      });
      return { noReason, result: await handle.result() };
    });
    expect(noReason.message).to.contain('needs a comment');
    expect(result).to.deep.include({
      decision: 'rejected',
      reason: 'Use the framework contract with Globex instead.',
      decidedBy: [people.first, people.second],
      automatic: false,
    });
    expect(result.purchaseOrderId).to.equal(undefined);
    expect(await countSandboxRecords(h.db.models, 'erp.main', 'purchaseOrders')).to.equal(ordersBefore);
    const mail = await h.smtp.waitFor((m) => m.subject === `Your purchase request ${input.requestId} was rejected`);
    expect(recipientsOf(mail)).to.deep.equal([people.requester]);
    expect(mail.text)
      .to.contain(`by ${people.second}`)
      .and.contain('Reason: Use the framework contract with Globex instead.');
  });

  it('when someone other than the pending approver decides, then the validator refuses it and nothing changes', async () => {
    const request = newPurchaseRequest('medium');
    const { people } = request;
    const { refusals, before, after, accepted, afterDecision, acceptedInTheEnd } = await h.run(
      request,
      async (handle) => {
        await waitForPending(handle, 1);
        const before = await handle.query(progressQuery);
        const refusals = [
          await refusalOf(handle.executeUpdate(approveUpdate, { args: [{ approver: 'mallory@corp.example' }] })),
          await refusalOf(
            handle.executeUpdate(rejectUpdate, { args: [{ approver: people.requester, comment: 'never mind' }] }),
          ),
          // The manager may decide only once the step is escalated.
          await refusalOf(handle.executeUpdate(approveUpdate, { args: [{ approver: people.firstManager }] })),
        ];
        const after = await handle.query(progressQuery);
        const accepted = await acceptedUpdates(handle);
        await handle.executeUpdate(approveUpdate, { args: [{ approver: people.first }] });
        const afterDecision = await refusalOf(
          handle.executeUpdate(rejectUpdate, { args: [{ approver: people.first, comment: 'changed my mind' }] }),
        );
        await handle.result();
        return { refusals, before, after, accepted, afterDecision, acceptedInTheEnd: await acceptedUpdates(handle) };
      },
    );
    expect(refusals[0]?.message).to.equal(
      `mallory@corp.example may not decide step 1 of 1: it is waiting for ${people.first}.`,
    );
    expect(refusals.map((r) => r.message)).to.satisfy((messages: string[]) =>
      messages.every((m) => m.includes('may not decide')),
    );
    expect(after).to.deep.equal(before);
    // A refused update leaves no trace in the history.
    expect(accepted).to.equal(0);
    expect(acceptedInTheEnd).to.equal(1);
    expect(afterDecision.message).to.contain('already approved');
  });

  it('when the first step was escalated to a manager who is also the second approver, then they may not approve step 2 too', async () => {
    const request = newPurchaseRequest('large', {
      policyYaml: (people) => defaultPolicyYaml({ ...people, firstManager: people.second }),
    });
    const { people } = request;
    const { refusal, pending } = await h.run(request, async (handle, env) => {
      await waitForPending(handle, 1);
      await env.sleep('49h');
      await waitForPending(handle, 1, people.second);
      await handle.executeUpdate(approveUpdate, { args: [{ approver: people.second }] });
      const pending = await waitForPending(handle, 2, people.second);
      const refusal = await refusalOf(handle.executeUpdate(approveUpdate, { args: [{ approver: people.second }] }));
      await handle.cancel();
      return { refusal, pending };
    });
    expect(pending.escalated).to.equal(false);
    expect(refusal.message).to.contain('already approved step 1');
  });

  it('when the ERP answers 503 twice, then the purchase order is retried and created once', async () => {
    await injectSandboxFault(h.db.models, {
      instance: 'erp.main',
      operation: 'createPurchaseOrder',
      code: 'VENDOR_UNAVAILABLE',
      times: 2,
    });
    const request = newPurchaseRequest('small');
    const ordersBefore = await countSandboxRecords(h.db.models, 'erp.main', 'purchaseOrders');
    const { result, attempt } = await h.run(request, async (handle) => {
      const result = await handle.result();
      const events = (await handle.fetchHistory()).events ?? [];
      const scheduled = events.find(
        (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'createPurchaseOrder',
      );
      const started = events.find(
        (e) => String(e.activityTaskStartedEventAttributes?.scheduledEventId ?? '') === String(scheduled?.eventId),
      );
      return { result, attempt: started?.activityTaskStartedEventAttributes?.attempt };
    });
    expect(attempt).to.equal(3);
    expect(result.purchaseOrderId).to.be.a('string');
    expect(await countSandboxRecords(h.db.models, 'erp.main', 'purchaseOrders')).to.equal(ordersBefore + 1);
  });

  it('when the ERP refuses the approved order for good, then the run fails at that step and the requester is not told it was approved', async () => {
    await injectSandboxFault(h.db.models, {
      instance: 'erp.main',
      operation: 'createPurchaseOrder',
      code: 'INVALID_REQUEST',
      times: null,
    });
    const request = newPurchaseRequest('small');
    const { input } = request;
    const { error, progress } = await h.run(request, async (handle) => ({
      error: await handle.result().then(
        () => null,
        (e: unknown) => e,
      ),
      progress: await handle.query(progressQuery),
    }));
    expect(error).to.be.instanceOf(WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.type).to.equal('PurchaseApprovalFailed');
    expect(cause.details).to.deep.equal([{ step: 'createPurchaseOrder', code: 'INVALID_REQUEST' }]);
    expect(progress.status).to.equal('FAILED');
    expect(progress.failure?.step).to.equal('createPurchaseOrder');
    expect(h.smtp.messages.some((m) => m.subject?.includes(input.requestId))).to.equal(false);
  });

  it('when ops cancel a pending request, then it ends cancelled, shows nobody pending and leaves no timer behind', async () => {
    const request = newPurchaseRequest('medium');
    const { error, progress, timers } = await h.run(request, async (handle) => {
      await waitForPending(handle, 1);
      while ((await timerAccounting(handle)).started === 0) await new Promise((resolve) => setTimeout(resolve, 50)); // the reminder's wait began
      await handle.cancel();
      const error = await handle.result().then(
        () => null,
        (e: unknown) => e,
      );
      return { error, progress: await handle.query(progressQuery), timers: await timerAccounting(handle) };
    });
    expect(error).to.be.instanceOf(WorkflowFailedError);
    expect((error as WorkflowFailedError).cause).to.be.instanceOf(CancelledFailure);
    expect(progress.status).to.equal('CANCELLED');
    expect(progress.pending).to.equal(undefined);
    expect(timers).to.deep.equal({ started: 1, fired: 0, cancelled: 1 });
  });

  it('when both approvers decide while the first request email is still being sent, then both steps are recorded and the second is not asked after the fact', async () => {
    const request = newPurchaseRequest('large');
    const { input, people } = request;
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const { result, progress } = await h.run(
      request,
      async (handle) => {
        await waitForPending(handle, 1);
        const first = await handle.executeUpdate(approveUpdate, { args: [{ approver: people.first }] });
        expect(first.pending).to.deep.include({ step: 2, approver: people.second });
        await handle.executeUpdate(approveUpdate, { args: [{ approver: people.second }] });
        release();
        return { result: await handle.result(), progress: await handle.query(progressQuery) };
      },
      {
        activities: (real) => ({
          ...real,
          // The real email, sent only once the test has decided both steps.
          sendPurchaseEmail: async (args) => {
            if (args.email.kind === 'approvalRequested') await held;
            return real.sendPurchaseEmail(args);
          },
        }),
      },
    );
    expect(result.decidedBy).to.deep.equal([people.first, people.second]);
    expect(progress.stepsDone).to.deep.equal([
      'approvalPolicy',
      'approval-1',
      'approval-2',
      'createPurchaseOrder',
      'notifyRequester',
    ]);
    await h.smtp.waitFor((m) => m.subject === `Your purchase request ${input.requestId} is approved`);
    const asks = h.smtp.messages.filter((m) =>
      m.subject?.startsWith(`Approval needed: purchase request ${input.requestId}`),
    );
    expect(asks.map(recipientsOf)).to.deep.equal([[people.first]]);
  });
});
