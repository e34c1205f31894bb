import { expect } from 'chai';
import { approveUpdate } from '../../workflows/purchase-approval/purchase-approval.types';
import { progressQuery } from '../../workflows/shared/progress';
import {
  createPurchaseHarness,
  DAY,
  defaultPolicyYaml,
  HOUR,
  newPurchaseRequest,
  recipientsOf,
  timerAccounting,
  waitForPending,
  type PurchaseHandle,
  type PurchaseHarness,
} from './fixtures/purchase-approval.harness';

describe('purchaseApproval timers (time-skipping server): reminder, escalation, automatic rejection, durations from the server policy (defaults 24h, 48h, 7d)', function () {
  this.timeout(120_000);
  let h: PurchaseHarness;

  before(async () => {
    h = await createPurchaseHarness('wf_purchase_timers');
  });

  after(async () => {
    await h?.close();
  });

  const mailsAbout = (requestId: string, subjectStart: string) =>
    h.smtp.messages.filter((m) => m.subject?.startsWith(subjectStart) === true && m.subject.includes(requestId));

  /** Milliseconds from the run's start to `iso` (workflow time). */
  async function sinceStart(handle: PurchaseHandle, iso: string): Promise<number> {
    const { startTime } = await handle.describe();
    return Date.parse(iso) - startTime.getTime();
  }

  it('when the approver has not decided after 24 h, then they are reminded once, and the request still waits for them', async () => {
    const request = newPurchaseRequest('medium');
    const { input, people } = request;
    const result = await h.run(request, async (handle, env) => {
      await waitForPending(handle, 1, people.first);
      await env.sleep('25h');
      const reminder = await h.smtp.waitFor(
        (m) => m.subject === `Reminder: purchase request ${input.requestId} is waiting for your approval`,
      );
      expect(recipientsOf(reminder)).to.deep.equal([people.first]);
      expect((await handle.query(progressQuery)).pending).to.deep.include({ approver: people.first, escalated: false });
      await env.sleep('20h'); // still before the escalation: no second reminder
      expect((await handle.query(progressQuery)).pending?.escalated).to.equal(false);
      await handle.executeUpdate(approveUpdate, { args: [{ approver: people.first }] });
      return handle.result();
    });
    expect(result.decision).to.equal('approved');
    expect(mailsAbout(input.requestId, 'Reminder:')).to.have.length(1);
    expect(mailsAbout(input.requestId, 'Escalated:')).to.have.length(0);
  });

  it('when the approver has not decided after 48 h, then their manager is asked and may decide', async () => {
    const request = newPurchaseRequest('medium');
    const { input, people } = request;
    const { pending, pendingSince, result } = await h.run(request, async (handle, env) => {
      await waitForPending(handle, 1, people.first);
      await env.sleep('49h');
      const pending = await waitForPending(handle, 1, people.firstManager);
      const pendingSince = await sinceStart(handle, pending.since);
      const escalation = await h.smtp.waitFor(
        (m) => m.subject === `Escalated: purchase request ${input.requestId} needs your approval`,
      );
      expect(recipientsOf(escalation)).to.deep.equal([people.firstManager]);
      expect(escalation.text).to.contain(people.first);
      const answer = await handle.executeUpdate(approveUpdate, {
        args: [{ approver: people.firstManager, comment: 'approved in their absence' }],
      });
      expect(answer.status).to.equal('approved');
      return { pending, pendingSince, result: await handle.result() };
    });
    expect(pending).to.deep.include({
      step: 1,
      approver: people.firstManager,
      escalated: true,
      escalatedFrom: people.first,
    });
    expect(pendingSince).to.be.within(48 * HOUR, 48 * HOUR + 60_000);
    expect(result).to.deep.include({ decision: 'approved', decidedBy: [people.firstManager] });
    expect(result.decisions[0]).to.deep.include({ byManager: true, comment: 'approved in their absence' });
    expect(result.purchaseOrderId).to.be.a('string');
    expect(mailsAbout(input.requestId, 'Reminder:').map(recipientsOf)).to.deep.equal([[people.first]]);
  });

  it('when the step was escalated, then the original approver may still decide', async () => {
    const request = newPurchaseRequest('medium');
    const { people } = request;
    const result = await h.run(request, async (handle, env) => {
      await waitForPending(handle, 1);
      await env.sleep('49h');
      await waitForPending(handle, 1, people.firstManager);
      await handle.executeUpdate(approveUpdate, { args: [{ approver: people.first }] });
      return handle.result();
    });
    expect(result.decidedBy).to.deep.equal([people.first]);
    expect(result.decisions[0]?.byManager).to.equal(false);
  });

  it('when nobody decides within 7 days, then the request is rejected automatically and the requester told why', async () => {
    const request = newPurchaseRequest('medium');
    const { input, people } = request;
    const { result, closedAfter, timers } = await h.run(request, async (handle) => {
      const result = await handle.result(); // awaiting the result lets the server skip time
      const { startTime, closeTime } = await handle.describe();
      return {
        result,
        closedAfter: (closeTime?.getTime() ?? 0) - startTime.getTime(),
        timers: await timerAccounting(handle),
      };
    });
    expect(result).to.deep.include({
      decision: 'rejected',
      automatic: true,
      decidedBy: [],
      reason: 'No decision was made within 7d of the request.',
    });
    expect(result.purchaseOrderId).to.equal(undefined);
    expect(closedAfter).to.be.within(7 * DAY, 7 * DAY + 60_000);
    // request, reminder (24 h), escalation (48 h), deadline (7 d): each fired once, none left behind.
    expect(timers).to.deep.equal({ started: 3, fired: 3, cancelled: 0 });
    const mail = await h.smtp.waitFor((m) => m.subject === `Your purchase request ${input.requestId} was rejected`);
    expect(recipientsOf(mail)).to.deep.equal([people.requester]);
    expect(mail.text).to.contain('Reason: No decision was made within 7d of the request.');
    expect(mail.text).not.to.contain(' by ');
  });

  it('when the manager approves a minute before the 7-day deadline, then the request is approved and the deadline never fires', async () => {
    const request = newPurchaseRequest('medium');
    const { people } = request;
    const { result, decidedAfter, timers } = await h.run(request, async (handle, env) => {
      await waitForPending(handle, 1);
      await env.sleep(7 * DAY - 60_000);
      await handle.executeUpdate(approveUpdate, { args: [{ approver: people.firstManager }] });
      const result = await handle.result();
      return {
        result,
        decidedAfter: await sinceStart(handle, result.decisions[0]?.at ?? ''),
        timers: await timerAccounting(handle),
      };
    });
    expect(result.decision).to.equal('approved');
    expect(result.purchaseOrderId).to.be.a('string');
    expect(decidedAfter).to.be.within(7 * DAY - 120_000, 7 * DAY - 1);
    expect(timers).to.deep.equal({ started: 3, fired: 2, cancelled: 1 });
  });

  it('when the server policy sets its own durations, then each step has its own reminder and escalation, and the deadline counts from the request', async () => {
    const request = newPurchaseRequest('large', {
      policyYaml: (people) =>
        defaultPolicyYaml(people, { reminderAfter: '1h', escalateAfter: '2 hours', autoRejectAfter: DAY }),
    });
    const { input, people } = request;
    const { stepTwoAsked, closedAfter, result } = await h.run(request, async (handle, env) => {
      await waitForPending(handle, 1);
      await env.sleep('30m');
      await handle.executeUpdate(approveUpdate, { args: [{ approver: people.first }] });
      const asked = await waitForPending(handle, 2, people.second);
      const stepTwoAsked = await sinceStart(handle, asked.since);
      await env.sleep('90m'); // 1 h after step 2 was asked: its reminder
      await h.smtp.waitFor(
        (m) =>
          m.subject === `Reminder: purchase request ${input.requestId} is waiting for your approval` &&
          recipientsOf(m).includes(people.second),
      );
      await env.sleep('1h'); // 2 h after step 2 was asked: escalated to the second approver's manager
      await waitForPending(handle, 2, people.secondManager);
      const result = await handle.result();
      const { startTime, closeTime } = await handle.describe();
      return { stepTwoAsked, closedAfter: (closeTime?.getTime() ?? 0) - startTime.getTime(), result };
    });
    expect(stepTwoAsked).to.be.within(30 * 60_000, 31 * 60_000);
    expect(result).to.deep.include({
      decision: 'rejected',
      automatic: true,
      reason: 'No decision was made within 86400000 ms of the request.',
    });
    expect(closedAfter).to.be.within(DAY, DAY + 60_000);
    expect(mailsAbout(input.requestId, 'Reminder:').map(recipientsOf)).to.deep.equal([[people.second]]);
    expect(mailsAbout(input.requestId, 'Escalated:').map(recipientsOf)).to.deep.equal([[people.secondManager]]);
  });
});
