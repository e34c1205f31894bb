import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultDataConverter } from '@temporalio/common';
import { expect } from 'chai';
import { AppError } from '../../server/errors/app-error';
import { flowResetPolicy } from '../../server/repair/flow-reset-policy';
import { findResetPoint, refuseCompensatedRun } from '../../server/repair/reset-point';
import { historyFactsOf, type RunHistoryFacts } from '../../server/repair/run-history-reader';
import { historyFromJSON } from '../../server/temporal/sdk-internals';
import { orderToCashResetPolicy } from '../../workflows/order-to-cash/order-to-cash.reset-policy';

const HISTORIES = join(__dirname, '..', 'histories');

/** The facts of a recorded history (test/histories), as the reset service reads them from Temporal. */
function factsOf(file: string): Promise<RunHistoryFacts> {
  const history = historyFromJSON(JSON.parse(readFileSync(join(HISTORIES, file), 'utf8')));
  return historyFactsOf(history.events ?? [], defaultDataConverter);
}

function refusal(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('reset points: steps located in recorded histories by the processes’ reset policies', () => {
  it('when orderToCash completed, then each declared step is found at the workflow task that scheduled its first activity', async () => {
    const facts = await factsOf('order-to-cash/completed.json');
    const points = Object.fromEntries(
      [
        'upsertCustomer',
        'checkStock',
        'createSalesOrder',
        'authorizePayment',
        'createInvoice',
        'capturePayment',
        'sendConfirmation',
      ].map((step) => [step, findResetPoint(orderToCashResetPolicy, facts, { toStep: step }).eventId]),
    );
    const byType = (type: string) => facts.scheduled.find((activity) => activity.activityType === type);
    expect(points.upsertCustomer).to.equal(byType('upsertCrmContact')?.workflowTaskCompletedEventId);
    // createSalesOrder starts with its ERP customer upsert, not with the sales order itself.
    expect(points.createSalesOrder).to.equal(byType('upsertErpCustomer')?.workflowTaskCompletedEventId);
    expect(points.sendConfirmation).to.equal(byType('sendOrderEmail')?.workflowTaskCompletedEventId);
    expect(Object.values(points)).to.deep.equal([...Object.values(points)].sort((a, b) => a - b));
    expect(new Set(Object.values(points)).size).to.equal(7);
    expect(findResetPoint(orderToCashResetPolicy, facts, { to: 'start' })).to.deep.equal({
      eventId: facts.firstWorkflowTaskCompletedEventId,
      step: 'start',
    });
    expect(() => refuseCompensatedRun(orderToCashResetPolicy, facts, 'order-1')).not.to.throw();
  });

  it('when orderToCash completed, then it has no failed step and a step it does not declare is refused', async () => {
    const facts = await factsOf('order-to-cash/completed.json');
    expect(refusal(() => findResetPoint(orderToCashResetPolicy, facts, { to: 'lastFailure' })).code).to.equal(
      'no-failed-step',
    );
    expect(
      refusal(() => findResetPoint(orderToCashResetPolicy, facts, { toStep: 'invoiceByErpBillingRun' })).code,
    ).to.equal('step-not-resettable');
  });

  it('when the card was declined, then the saga cancelled the sales order and every reset is refused as compensated', async () => {
    const facts = await factsOf('order-to-cash/card-declined.json');
    const refused = refusal(() => refuseCompensatedRun(orderToCashResetPolicy, facts, 'order-1002'));
    expect(refused.code).to.equal('run-compensated');
    expect(refused.message).to.contain('cancelSalesOrder (undoes createSalesOrder)');
    // Its failure is still located: the step the run failed at, whose activity failed for good.
    expect(findResetPoint(orderToCashResetPolicy, facts, { to: 'lastFailure' }).step).to.equal('authorizePayment');
  });

  it('when a flow saga was declined, then its steps are task paths, its failure is the authorize task and its compensation is seen', async () => {
    const facts = await factsOf('flows/saga-declined.json');
    expect(findResetPoint(flowResetPolicy, facts, { to: 'lastFailure' })).to.deep.include({ step: '/do/2/authorize' });
    expect(findResetPoint(flowResetPolicy, facts, { toStep: '/do/1/createSalesOrder' }).eventId).to.equal(10);
    const refused = refusal(() => refuseCompensatedRun(flowResetPolicy, facts, 'flow-1'));
    expect(refused.message).to.contain('callFlowFunction (undoes /do/1/createSalesOrder)');
  });

  it('when a flow completed, then a path it never ran is refused as not reached', async () => {
    const facts = await factsOf('flows/completed.json');
    expect(() => refuseCompensatedRun(flowResetPolicy, facts, 'flow-2')).not.to.throw();
    expect(refusal(() => findResetPoint(flowResetPolicy, facts, { toStep: '/do/9/nothing' })).code).to.equal(
      'step-not-reached',
    );
  });
});
