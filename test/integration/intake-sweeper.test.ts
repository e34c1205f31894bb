import { expect } from 'chai';
import { Queue, Worker } from 'bullmq';
import IORedis from 'ioredis';
import { createInboxRepository, type InboxRepository } from '../../server/intake/inbox-repository';
import { startInboxSweeper, type InboxSweeper } from '../../server/intake/inbox-sweeper';
import { createIntakeProducer, jobIdOf, type IntakeProducer } from '../../server/intake/intake-queue';
import { uniqueId } from '../support/order-fixtures';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const REDIS_URL = 'redis://127.0.0.1:6379/6';

describe('Inbox sweeper (MariaDB, Redis): pending events whose jobs were lost get new ones', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let inbox: InboxRepository;
  let producer: IntakeProducer;
  let sweeper: InboxSweeper;
  const queueName = uniqueId('intake-sweep');

  async function insert(eventId: string, dueAgoMs: number): Promise<string> {
    const { record } = await inbox.insert(
      {
        source: 'sweep-test',
        eventId,
        payload: { eventId },
        workflowType: 'intakeRecorder',
        workflowId: `w-${eventId}`,
        businessKey: eventId,
        command: { mode: 'start', workflowType: 'intakeRecorder', workflowId: `w-${eventId}`, input: {} },
      },
      new Date(Date.now() - dueAgoMs),
    );
    return record.id;
  }

  before(async () => {
    db = await createTestDatabase('intake_sweeper');
    inbox = createInboxRepository(db.models.InboxEvent);
    producer = createIntakeProducer({ redisUrl: REDIS_URL, maxAttempts: 5, queueName });
    // A long interval: the test drives each sweep itself.
    sweeper = startInboxSweeper({ inbox, producer, sweepAfterSeconds: 10, intervalMs: 3_600_000 });
  });

  after(async () => {
    await sweeper?.close();
    await producer?.queue.obliterate({ force: true }).catch(() => undefined);
    await producer?.close();
    await db?.destroy();
  });

  it('re-enqueues a pending event overdue by INTAKE_SWEEP_AFTER_SECONDS that has no job (a commit whose enqueue never happened, or a flushed Redis), once', async () => {
    const lost = await insert('lost', 60_000);
    const recent = await insert('recent', 1_000);
    expect(await producer.queue.getJobState(jobIdOf(lost))).to.equal('unknown');

    expect(await sweeper.sweepOnce()).to.equal(1);
    expect(await producer.queue.getJobState(jobIdOf(lost))).to.equal('waiting');
    expect((await producer.queue.getJob(jobIdOf(lost)))?.data).to.deep.equal({ inboxId: lost });
    // Not overdue yet: its job may simply not have run.
    expect(await producer.queue.getJobState(jobIdOf(recent))).to.equal('unknown');
    // Looked at once; due again only after another INTAKE_SWEEP_AFTER_SECONDS.
    expect(await sweeper.sweepOnce()).to.equal(0);
    expect((await inbox.get(lost))!.nextAttemptAt!.getTime()).to.be.closeTo(Date.now(), 5_000);
  });

  it('leaves an event alone while its job is live, and replaces a job BullMQ gave up on while the event is still pending', async () => {
    await producer.queue.obliterate({ force: true });
    const failed = await insert('failed', 60_000);
    // A job that failed for good and was kept (as BullMQ does without removeOnFail), taken and failed by hand.
    const raw = new Queue(queueName, { connection: new IORedis(REDIS_URL, { maxRetriesPerRequest: null }) });
    await raw.add('deliver', { inboxId: failed }, { jobId: jobIdOf(failed), attempts: 1 });
    const taker = new Worker(queueName, null, {
      connection: new IORedis(REDIS_URL, { maxRetriesPerRequest: null }),
      autorun: false,
    });
    const job = await taker.getNextJob('test-token');
    expect(job?.id).to.equal(jobIdOf(failed));
    await job!.moveToFailed(new Error('database down'), 'test-token');
    await taker.close();
    await raw.close();
    expect(await producer.queue.getJobState(jobIdOf(failed))).to.equal('failed');
    const waiting = await insert('waiting', 60_000);
    await producer.enqueue(waiting);

    expect(await sweeper.sweepOnce()).to.equal(1);
    expect(await producer.queue.getJobState(jobIdOf(failed))).to.equal('waiting');
    expect(await producer.queue.getJobState(jobIdOf(waiting))).to.equal('waiting');
    expect((await producer.queue.getJobCounts('waiting')).waiting).to.equal(2);
  });

  it('never re-enqueues events that are done or dead letters', async () => {
    const done = await insert('done', 60_000);
    await inbox.markDone(done, { attempts: 1, runId: 'r', outcome: 'started' });
    const dead = await insert('dead', 60_000);
    await inbox.markDead(dead, { attempts: 3, reason: 'max-attempts', error: 'down' });
    await sweeper.sweepOnce();
    expect(await producer.queue.getJobState(jobIdOf(done))).to.equal('unknown');
    expect(await producer.queue.getJobState(jobIdOf(dead))).to.equal('unknown');
  });
});
