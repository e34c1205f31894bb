import { expect } from 'chai';
import {
  notificationWorkflowId,
  type NotificationFanoutResult,
} from '../../workflows/notification-fanout/notification-fanout.types';
import type { Progress } from '../../workflows/shared/progress';
import { keyedCall, waitForRun } from '../support/api-client';
import { startApiStack, type ApiStack } from '../support/api-stack';
import { uniqueId } from '../support/order-fixtures';

interface RunView {
  workflowId: string;
  status: string;
  searchAttributes: Record<string, unknown>;
  progress: Progress | null;
  result?: NotificationFanoutResult;
}

describe('notificationFanout end to end: API → Temporal dev server → worker → child workflows → SMTP', function () {
  this.timeout(120_000);
  let stack: ApiStack;
  let key: string;
  const call = keyedCall(
    () => stack.api.url,
    () => key,
  );

  before(async function () {
    stack = await startApiStack({ label: 'fanout_e2e', smtp: { rejectRecipients: /^reject-/ } });
    key = await stack.createKey('notifier', ['runs:read', 'runs:write']);
  });

  after(async function () {
    await stack?.close();
  });

  it('when a business system notifies 300 recipients of an event, then the run answers { sent, failed } and a repeated POST is the same run', async () => {
    const eventId = uniqueId('price-change');
    const recipients = Array.from({ length: 300 }, (_, i) => ({
      email: `${i % 100 === 7 ? 'reject' : 'user'}-${i}@${eventId.toLowerCase()}.example`,
    }));
    const input = {
      eventId,
      subject: `Prices change (${eventId})`,
      text: 'Our prices change on the first of the month.',
      recipients,
      batchSize: 50,
      ratePerSecond: 200,
      concurrency: 6,
    };
    const first = await call<{ workflowId: string; runId: string }>('POST', '/v1/runs', {
      body: { type: 'notificationFanout', input },
    });
    expect(first.status, JSON.stringify(first.body)).to.equal(202);
    expect(first.body.workflowId).to.equal(notificationWorkflowId(eventId));
    // While the first is running, the API answers with that run (conflict policy USE_EXISTING).
    const again = await call<{ workflowId: string; runId: string }>('POST', '/v1/runs', {
      body: { type: 'notificationFanout', input },
    });
    expect(again.body).to.include({ workflowId: first.body.workflowId, runId: first.body.runId });

    const run = await waitForRun<RunView>(call, first.body.workflowId);
    expect(run.status).to.equal('COMPLETED');
    expect(run.result).to.include({ recipients: 300, batches: 6, sent: 297, failedCount: 3 });
    expect(run.result?.failed.map((f) => f.email)).to.deep.equal(
      [7, 107, 207].map((i) => `reject-${i}@${eventId.toLowerCase()}.example`),
    );
    expect(run.progress?.details).to.include({ sent: 297, failedCount: 3, batchesDone: 6 });
    expect(run.searchAttributes).to.include({ BusinessKey: eventId, ProcessStatus: 'COMPLETED' });
    expect(stack.smtp.messages.filter((m) => m.subject === `Prices change (${eventId})`)).to.have.length(297);
  });
});
