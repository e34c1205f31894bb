import { expect } from 'chai';
import { notificationEmail } from '../../activities/email-templates/notification-emails';
import { checkpointFrom } from '../../activities/notification/batch-checkpoint';
import { notificationFanoutInputSchema } from '../../workflows/notification-fanout/notification-fanout.input';
import {
  batchWorkflowId,
  MAX_BATCHES,
  notificationWorkflowId,
  planFanout,
  recipientIdempotencyKey,
  type NotificationFanoutInput,
} from '../../workflows/notification-fanout/notification-fanout.types';

function input(recipients: number, overrides: Partial<NotificationFanoutInput> = {}): NotificationFanoutInput {
  return {
    eventId: 'evt-1',
    subject: 'Hello',
    text: 'Hi',
    recipients: Array.from({ length: recipients }, (_, i) => ({ email: `user${i}@example.com` })),
    ...overrides,
  };
}

describe('notificationFanout planning', () => {
  it('removes duplicate addresses case-insensitively, the first one winning', () => {
    const plan = planFanout(
      input(0, {
        recipients: [
          { email: 'A@example.com', name: 'First' },
          { email: 'b@example.com' },
          { email: 'a@EXAMPLE.com', name: 'Second' },
        ],
      }),
    );
    expect(plan.recipients).to.equal(2);
    expect(plan.duplicatesRemoved).to.equal(1);
    expect(plan.batches.flat()).to.deep.equal([{ email: 'A@example.com', name: 'First' }, { email: 'b@example.com' }]);
  });

  it('splits into batches of batchSize (default 100), the last one shorter', () => {
    const plan = planFanout(input(250));
    expect(plan.batches.map((b) => b.length)).to.deep.equal([100, 100, 50]);
    expect(planFanout(input(250, { batchSize: 30 })).batches).to.have.length(9);
  });

  it('raises the batch size so that there are never more than MAX_BATCHES children', () => {
    const plan = planFanout(input(10_000, { batchSize: 1 }));
    expect(plan.batches.length).to.be.at.most(MAX_BATCHES);
    expect(plan.batches.flat()).to.have.length(10_000);
  });

  it('shares the rate between the batches running at once, never above the whole', () => {
    expect(planFanout(input(1000))).to.include({ lanes: 4, perBatchRate: 5 });
    expect(planFanout(input(1000, { ratePerSecond: 10, concurrency: 4 }))).to.include({ lanes: 4, perBatchRate: 2 });
    expect(planFanout(input(1000, { ratePerSecond: 3, concurrency: 8 }))).to.include({ lanes: 3, perBatchRate: 1 });
    expect(planFanout(input(50, { ratePerSecond: 100, concurrency: 8 })), 'no more lanes than batches').to.include({
      lanes: 1,
      perBatchRate: 100,
    });
  });

  it('names runs and keys after the event and the address', () => {
    expect(notificationWorkflowId('evt-1')).to.equal('notify-evt-1');
    expect(batchWorkflowId('notify-evt-1', 3)).to.equal('notify-evt-1-batch-3');
    expect(recipientIdempotencyKey('evt-1', 'Ada@Example.com')).to.equal('evt-1:ada@example.com');
  });

  it('keeps the idempotency key within 255 characters for the longest valid input', () => {
    const longest = input(1, {
      eventId: `e${'x'.repeat(63)}`,
      recipients: [{ email: `${'a'.repeat(64)}@${'b'.repeat(121)}.com` }],
    });
    const parsed = notificationFanoutInputSchema.parse(longest);
    const [recipient] = parsed.recipients;
    expect(recipientIdempotencyKey(parsed.eventId, recipient?.email ?? '').length).to.be.at.most(255);
    expect(notificationFanoutInputSchema.safeParse(input(1, { eventId: `e${'x'.repeat(64)}` })).success).to.equal(
      false,
    );
    expect(notificationFanoutInputSchema.safeParse(input(10_001)).success).to.equal(false);
    expect(notificationFanoutInputSchema.safeParse(input(1, { subject: 'two\nlines' })).success).to.equal(false);
  });
});

describe('notification email', () => {
  it('fills {{name}} and {{email}}, escaping the name in HTML and keeping the subject on one line', () => {
    const message = {
      subject: 'Hi {{name}}',
      text: 'Dear {{ name }}, this went to {{email}}.',
      html: '<p>Dear {{name}}</p>',
    };
    const email = notificationEmail(message, { email: 'ada@example.com', name: 'Ada <b>\r\nLovelace' });
    expect(email).to.deep.equal({
      to: ['ada@example.com'],
      subject: 'Hi Ada <b> Lovelace',
      text: 'Dear Ada <b>\r\nLovelace, this went to ada@example.com.',
      html: '<p>Dear Ada &#60;b&#62;\r\nLovelace</p>',
    });
    expect(notificationEmail(message, { email: 'bob@example.com' }).subject).to.equal('Hi bob@example.com');
  });
});

describe('notification batch checkpoint', () => {
  it('resumes from a heartbeat checkpoint, and from the start without one', () => {
    const checkpoint = {
      next: 7,
      sent: 6,
      failed: [{ email: 'x@example.com', code: 'INVALID_REQUEST', status: 550, message: 'refused' }],
    };
    expect(checkpointFrom(checkpoint)).to.deep.equal(checkpoint);
    expect(checkpointFrom(undefined)).to.deep.equal({ next: 0, sent: 0, failed: [] });
    expect(checkpointFrom({ next: -1 })).to.deep.equal({ next: 0, sent: 0, failed: [] });
  });
});
