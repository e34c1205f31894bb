import type { Client } from '@temporalio/client';
import { expect } from 'chai';
import { loadConfig, type Config } from '../../config';
import type { RunningApiServer } from '../../server/api/server';
import type { ProcessDefinition } from '../../workflows/catalog';
import { call, expectProblem, replyOf, type Reply } from '../support/api-client';
import { openIntakeApi, startIntakeStack, type IntakeApi, type IntakeStack } from '../support/intake-stack';
import type { RecordedEvents } from '../support/intake-recorder.workflow';
import { uniqueId } from '../support/order-fixtures';
import type { TestDatabase } from '../support/test-database';
import { eventually, eventuallyFound } from '../support/eventually';
import { hmacBase64, hmacHexWithPrefix, stripeSignatureHeader } from '../support/webhook-signing';
import { auditRowOf, expectInvalid } from './admin-api.support';

/** A Redis database of this suite's own; each suite run also has its own queue name in it. */
const REDIS_URL = 'redis://127.0.0.1:6379/6';
const SECRETS = {
  SHOP_SECRET: 'shop-secret-0123456789',
  STRIPE_SECRET: 'whsec_current_0123456789',
  STRIPE_OLD_SECRET: 'whsec_old_0123456789',
  PORTAL_TOKEN: 'portal-token-0123456789',
  NOTES_SECRET: 'notes-secret-0123456789',
};

function sourcesYaml(prefix: string): string {
  return `
sources:
  shop:
    signature: { scheme: hmac-sha256, header: X-Shop-Hmac, secret: '\${SHOP_SECRET}' }
    eventId: { header: X-Shop-Event-Id, trustUnsignedHeader: true }
    process: { type: intakeRecorder, mode: signalWithStart, businessKey: order.key, input: order, signal: recordEvent }
  stripe-test:
    signature: { scheme: stripe, toleranceSeconds: 300, secret: ['\${STRIPE_SECRET}', '\${STRIPE_OLD_SECRET}'] }
    eventId: { path: id }
    process: { type: intakeRecorder, mode: start, businessKey: data.object.key, input: data.object }
  portal:
    signature: { scheme: shared-secret, header: Authorization, prefix: 'Bearer ', secret: '\${PORTAL_TOKEN}' }
    eventId: { path: eventId }
    process: { type: intakeRecorder, mode: signal, signal: recordEvent, businessKey: key, argument: $, workflowId: '${prefix}-{businessKey}' }
  notes:
    signature: { scheme: hmac-sha256, header: X-Hub-Signature-256, encoding: hex, prefix: 'sha256=', secret: '\${NOTES_SECRET}' }
    eventId: { path: id }
    bodyLimit: 1kb
    process: { type: intakeRecorder, mode: update, update: setNote, businessKey: key, argument: change, workflowId: '${prefix}-{businessKey}' }
`;
}

describe('Event intake (e2e): POST /v1/events/:source into the inbox, BullMQ and Temporal (dev server, MariaDB, Redis)', function () {
  this.timeout(180_000);
  const prefix = uniqueId('intake-e2e');
  let stack: IntakeStack;
  let db: TestDatabase;
  let temporal: Client;
  let config: Config;
  let catalog: ProcessDefinition[];
  let api: RunningApiServer;
  let writerKey: string;
  let readerKey: string;
  let adminKey: string;
  const queueName = uniqueId('intake-e2e-queue');

  const workflowIdOf = (key: string) => `${prefix}-${key}`;

  function post(source: string, body: string, headers: Record<string, string>): Promise<Reply> {
    return fetch(`${api.url}/v1/events/${source}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    }).then(replyOf);
  }

  function postShop(event: unknown, eventId: string, secret = SECRETS.SHOP_SECRET): Promise<Reply> {
    const body = JSON.stringify(event);
    return post('shop', body, { 'X-Shop-Hmac': hmacBase64(body, secret), 'X-Shop-Event-Id': eventId });
  }

  const shopEvent = (key: string, kind: string, amount = 100) => ({ kind, order: { key, amount } });

  async function inboxCount(): Promise<number> {
    return db.models.InboxEvent.count();
  }

  async function settledRow(source: string, eventId: string, status: 'done' | 'dead' = 'done') {
    return eventuallyFound(
      `inbox row ${source}/${eventId} ${status}`,
      async () => {
        const row = await db.models.InboxEvent.findOne({ where: { source, eventId } });
        return row?.status === status ? row : undefined;
      },
      { timeoutMs: 60_000 },
    );
  }

  async function recorded(key: string): Promise<RecordedEvents> {
    return temporal.workflow.getHandle(workflowIdOf(key)).query<RecordedEvents>('recorded');
  }

  before(async () => {
    stack = await startIntakeStack({
      label: 'api_events',
      prefix,
      redisUrl: REDIS_URL,
      queueName,
      sourcesYaml: sourcesYaml(prefix),
      secrets: SECRETS,
      consumerConcurrency: 10,
      env: { INTAKE_MAX_ATTEMPTS: '3', INTAKE_RETRY_BASE_MS: '100', INTAKE_RETRY_MAX_MS: '400' },
    });
    ({ db, temporal, config, catalog, api } = stack);
    writerKey = await stack.createKey('ops', ['runs:read', 'runs:write']);
    readerKey = await stack.createKey('dashboard', ['runs:read']);
    adminKey = await stack.createKey('admin', ['admin']);
  });

  after(async () => {
    await stack?.close();
  });

  it('accepts a signed event with 202 after storing it, then starts the run with the input and signals it the event', async () => {
    const reply = await postShop(shopEvent('k-first', 'created', 250), 'evt-first');
    expect(reply.status, reply.text).to.equal(202);
    expect(reply.body).to.include({
      source: 'shop',
      eventId: 'evt-first',
      status: 'pending',
      duplicate: false,
      workflowType: 'intakeRecorder',
      workflowId: workflowIdOf('k-first'),
    });
    // Durable before the answer: the row exists the moment the 202 is read.
    const stored = await db.models.InboxEvent.findOne({ where: { source: 'shop', eventId: 'evt-first' } });
    expect(stored, 'inbox row').to.not.equal(null);
    expect(String(stored!.id)).to.equal(reply.body.inboxId);

    const row = await settledRow('shop', 'evt-first');
    expect(row.outcome).to.equal('signalled');
    expect(row.attempts).to.equal(1);
    const description = await temporal.workflow.getHandle(workflowIdOf('k-first')).describe();
    expect(row.runId).to.equal(description.runId);
    const state = await recorded('k-first');
    expect(state.input).to.deep.equal({ key: 'k-first', amount: 250 });
    expect(state.events).to.deep.equal(['shop/evt-first']);
  });

  it("answers a repeated delivery 200 with the first delivery's state and writes nothing", async () => {
    const event = shopEvent('k-repeat', 'created');
    expect((await postShop(event, 'evt-repeat')).status).to.equal(202);
    const first = await settledRow('shop', 'evt-repeat');
    const rows = await inboxCount();
    const again = await postShop(event, 'evt-repeat');
    expect(again.status, again.text).to.equal(200);
    expect(again.body).to.include({
      inboxId: String(first.id),
      status: 'done',
      duplicate: true,
      outcome: 'signalled',
      runId: first.runId,
    });
    expect(await inboxCount()).to.equal(rows);
    // The run saw the event once: the repeat was never enqueued.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await recorded('k-repeat')).events).to.deep.equal(['shop/evt-repeat']);
  });

  it('when a burst of 300 events for 100 business keys arrives with 60 duplicates, then there is exactly one run per key and each event reached its run once', async () => {
    const keys = Array.from({ length: 100 }, (_, i) => `k-burst-${i}`);
    const events = keys.flatMap((key) =>
      ['created', 'paid', 'shipped'].map((kind) => ({ key, kind, eventId: `evt-burst-${key}-${kind}` })),
    );
    const duplicates = events.filter((_, i) => i % 5 === 0);
    const deliveries = [...events, ...duplicates].sort(() => Math.random() - 0.5);
    const started = Date.now();
    const replies: Reply[] = [];
    // 20 senders at once, as a webhook sender's retries and parallel deliveries arrive.
    for (let i = 0; i < deliveries.length; i += 20) {
      replies.push(
        ...(await Promise.all(deliveries.slice(i, i + 20).map((d) => postShop(shopEvent(d.key, d.kind), d.eventId)))),
      );
    }
    const acceptMs = Date.now() - started;
    expect(
      replies.filter((r) => r.status === 202),
      'accepted',
    ).to.have.length(300);
    expect(
      replies.filter((r) => r.status === 200),
      'duplicates',
    ).to.have.length(60);

    await eventually(
      'every burst row done',
      () => db.models.InboxEvent.count({ where: { source: 'shop', status: 'pending' } }),
      (pending) => pending === 0,
      { timeoutMs: 120_000 },
    );
    const deliveredMs = Date.now() - started;
    const rows = await db.models.InboxEvent.findAll({ where: { source: 'shop' } });
    const burstRows = rows.filter((row) => row.eventId.startsWith('evt-burst-'));
    expect(burstRows).to.have.length(300);
    expect(burstRows.every((row) => row.status === 'done' && row.outcome === 'signalled')).to.equal(true);

    // One run per key: Temporal's own view, per workflow id, including closed runs.
    for (const key of keys) {
      const runs = await eventually(
        `runs of ${key}`,
        async () => (await temporal.workflow.count(`WorkflowId = '${workflowIdOf(key)}'`)).count,
        (count) => count >= 1,
        { timeoutMs: 60_000 },
      );
      expect(runs, key).to.equal(1);
      const state = await recorded(key);
      expect([...state.events].sort(), key).to.deep.equal(
        ['created', 'paid', 'shipped'].map((kind) => `shop/evt-burst-${key}-${kind}`).sort(),
      );
      expect(state.repeats, key).to.equal(0);
    }
    console.log(
      `      burst: 360 deliveries (300 events, 60 duplicates) accepted in ${acceptMs} ms, all delivered after ${deliveredMs} ms; 100 runs`,
    );
  });

  it('verifies Stripe signatures: any v1 of a configured secret within the tolerance; a stale timestamp or a changed body is 401 and writes nothing', async () => {
    const event = {
      id: 'evt_stripe_1',
      type: 'checkout.session.completed',
      data: { object: { key: 'k-stripe', amount: 4200 } },
    };
    const body = JSON.stringify(event);
    const rows = await inboxCount();
    const stale = await post('stripe-test', body, {
      'Stripe-Signature': stripeSignatureHeader(body, [SECRETS.STRIPE_SECRET], new Date(Date.now() - 301_000)),
    });
    expectProblem(stale, 401, 'invalid-signature');
    expect(stale.body.detail).to.contain('300 s');
    const forged = await post('stripe-test', body.replace('4200', '1'), {
      'Stripe-Signature': stripeSignatureHeader(body, [SECRETS.STRIPE_SECRET]),
    });
    expectProblem(forged, 401, 'invalid-signature');
    const unknownSecret = await post('stripe-test', body, {
      'Stripe-Signature': stripeSignatureHeader(body, ['whsec_someone_else']),
    });
    expectProblem(unknownSecret, 401, 'invalid-signature');
    expect(await inboxCount()).to.equal(rows);

    // Signed with a wrong secret and the previous one (as while a secret rolls): accepted.
    const accepted = await post('stripe-test', body, {
      'Stripe-Signature': stripeSignatureHeader(body, ['whsec_someone_else', SECRETS.STRIPE_OLD_SECRET]),
    });
    expect(accepted.status, accepted.text).to.equal(202);
    const row = await settledRow('stripe-test', 'evt_stripe_1');
    expect(row.outcome).to.equal('started');
    expect((await recorded('k-stripe')).input).to.deep.equal({ key: 'k-stripe', amount: 4200 });
  });

  it('refuses bad input and writes nothing: 401 bad signature, 400 malformed JSON, 400 naming the field the input schema rejects, 400 without an event id, 404 unknown source, 413 too large, 415 unknown encoding', async () => {
    const rows = await inboxCount();
    expectProblem(
      await postShop(shopEvent('k-bad', 'created'), 'evt-bad-sig', 'not-the-secret'),
      401,
      'invalid-signature',
    );
    expectProblem(
      await post('shop', '{"order":', {
        'X-Shop-Hmac': hmacBase64('{"order":', SECRETS.SHOP_SECRET),
        'X-Shop-Event-Id': 'evt-bad-json',
      }),
      400,
      'malformed-json',
    );

    const wrongAmount = await postShop({ kind: 'created', order: { key: 'k-bad', amount: 'lots' } }, 'evt-bad-amount');
    expectInvalid(wrongAmount, ['order.amount']);
    const extraField = await postShop(
      { kind: 'created', order: { key: 'k-bad', amount: 1, colour: 'red' } },
      'evt-bad-extra',
    );
    expectInvalid(extraField, ['order.colour']);
    const noKind = await postShop({ order: { key: 'k-bad', amount: 1 } }, 'evt-bad-signal-arg');
    expectInvalid(noKind, ['kind']);
    const noId = await post('shop', '{"kind":"x","order":{"key":"k","amount":1}}', {
      'X-Shop-Hmac': hmacBase64('{"kind":"x","order":{"key":"k","amount":1}}', SECRETS.SHOP_SECRET),
    });
    expectProblem(noId, 400, 'missing-event-id');
    expect(noId.body.errors).to.deep.equal([
      { field: 'X-Shop-Event-Id', message: 'must be a non-empty string (at most 255 characters) or a number' },
    ]);

    expectProblem(await post('nowhere', '{}', {}), 404, 'unknown-source');
    const squeezed = JSON.stringify(shopEvent('k-bad', 'created'));
    expectProblem(
      await post('shop', squeezed, {
        'Content-Encoding': 'compress',
        'X-Shop-Hmac': hmacBase64(squeezed, SECRETS.SHOP_SECRET),
        'X-Shop-Event-Id': 'evt-bad-encoding',
      }),
      415,
      'unsupported-encoding',
    );
    const big = JSON.stringify({ id: 'evt-big', key: 'k-big', change: { note: 'x'.repeat(2_000) } });
    expectProblem(
      await post('notes', big, { 'X-Hub-Signature-256': hmacHexWithPrefix(big, SECRETS.NOTES_SECRET) }),
      413,
      'payload-too-large',
    );
    expect(await inboxCount()).to.equal(rows);
  });

  it("when a signal's run does not exist, then the event becomes a dead letter after INTAKE_MAX_ATTEMPTS, is listed, and replays into the run once it exists (one by one and in bulk)", async () => {
    const portal = (eventId: string, key: string) =>
      post('portal', JSON.stringify({ eventId, key, kind: 'portal-note' }), {
        Authorization: `Bearer ${SECRETS.PORTAL_TOKEN}`,
      });
    expectProblem(
      await post('portal', JSON.stringify({ eventId: 'p-0', key: 'k-portal', kind: 'x' }), {
        Authorization: 'Bearer wrong',
      }),
      401,
      'invalid-signature',
    );
    for (const id of ['p-1', 'p-2', 'p-3']) expect((await portal(id, 'k-portal')).status).to.equal(202);
    const dead = await settledRow('portal', 'p-1', 'dead');
    expect(dead.attempts).to.equal(3);
    expect(dead.deadReason).to.equal('max-attempts');
    expect(dead.lastError).to.contain('No running run');
    await settledRow('portal', 'p-2', 'dead');
    await settledRow('portal', 'p-3', 'dead');

    const list = await call(api.url, 'GET', '/v1/dead-letters?source=portal', { bearer: readerKey });
    expect(list.status, list.text).to.equal(200);
    expect((list.body.items as { eventId: string }[]).map((item) => item.eventId)).to.deep.equal(['p-3', 'p-2', 'p-1']);
    const detail = await call(api.url, 'GET', `/v1/dead-letters/${dead.id}`, { bearer: readerKey });
    expect(detail.status, detail.text).to.equal(200);
    expect(detail.body).to.include({ reason: 'max-attempts', attempts: 3, workflowId: workflowIdOf('k-portal') });
    expect(detail.body.event).to.deep.equal({ eventId: 'p-1', key: 'k-portal', kind: 'portal-note' });
    expectProblem(await call(api.url, 'POST', `/v1/dead-letters/${dead.id}/replay`, { bearer: readerKey }), 403);

    // The run the events were meant for starts; the dead letters now have somewhere to go.
    expect(
      (
        await call(api.url, 'POST', '/v1/runs', {
          bearer: writerKey,
          body: { type: 'intakeRecorder', input: { key: 'k-portal', amount: 5 } },
        })
      ).status,
    ).to.equal(202);
    const one = await call(api.url, 'POST', `/v1/dead-letters/${dead.id}/replay`, { bearer: writerKey });
    expect(one.status, one.text).to.equal(202);
    expect(one.body).to.deep.equal({ replayed: 1, ids: [String(dead.id)] });
    const audit = await auditRowOf(db, one);
    expect(audit).to.include({ action: 'deadLetters.replay', target: String(dead.id), outcome: 'success' });
    expect((await settledRow('portal', 'p-1')).outcome).to.equal('signalled');
    expectProblem(
      await call(api.url, 'POST', `/v1/dead-letters/${dead.id}/replay`, { bearer: writerKey }),
      409,
      'not-a-dead-letter',
    );

    const bulk = await call(api.url, 'POST', '/v1/dead-letters/replay', {
      bearer: writerKey,
      body: { source: 'portal', reason: 'max-attempts' },
    });
    expect(bulk.status, bulk.text).to.equal(202);
    expect(bulk.body.replayed).to.equal(2);
    await settledRow('portal', 'p-2');
    await settledRow('portal', 'p-3');
    const state = await recorded('k-portal');
    expect([...state.events].sort()).to.deep.equal(['portal/p-1', 'portal/p-2', 'portal/p-3']);
    expect(state.repeats).to.equal(0);
    expect(
      ((await call(api.url, 'GET', '/v1/dead-letters?source=portal', { bearer: readerKey })).body.items as unknown[])
        .length,
    ).to.equal(0);
  });

  it('delivers updates with the event as update id, and makes a refused one a dead letter at once', async () => {
    expect(
      (
        await call(api.url, 'POST', '/v1/runs', {
          bearer: writerKey,
          body: { type: 'intakeRecorder', input: { key: 'k-notes', amount: 5 } },
        })
      ).status,
    ).to.equal(202);
    const notes = (id: string, note: string) => {
      const body = JSON.stringify({ id, key: 'k-notes', change: { note } });
      return post('notes', body, { 'X-Hub-Signature-256': hmacHexWithPrefix(body, SECRETS.NOTES_SECRET) });
    };
    expect((await notes('n-1', 'approved by Grace')).status).to.equal(202);
    expect((await settledRow('notes', 'n-1')).outcome).to.equal('updated');
    expect((await recorded('k-notes')).notes).to.deep.equal(['approved by Grace']);

    expect((await notes('n-2', 'refuse this one')).status).to.equal(202);
    const refused = await settledRow('notes', 'n-2', 'dead');
    expect(refused.deadReason).to.equal('update-rejected');
    expect(refused.attempts).to.equal(1);
    expect(refused.lastError).to.contain('note "refuse this one" refused');
    expect((await recorded('k-notes')).notes).to.deep.equal(['approved by Grace']);
  });

  it('never starts a second run for a business key whose run has finished: a late event is done as run-closed', async () => {
    expect((await postShop(shopEvent('k-closed', 'created'), 'evt-closed-1')).status).to.equal(202);
    await settledRow('shop', 'evt-closed-1');
    const handle = temporal.workflow.getHandle(workflowIdOf('k-closed'));
    await handle.signal('finish');
    await handle.result();
    expect((await postShop(shopEvent('k-closed', 'late'), 'evt-closed-2')).status).to.equal(202);
    const late = await settledRow('shop', 'evt-closed-2');
    expect(late.outcome).to.equal('run-closed');
    expect((await temporal.workflow.count(`WorkflowId = '${workflowIdOf('k-closed')}'`)).count).to.equal(1);
  });

  it('serves the intake metrics on /metrics: received by outcome, backlog, oldest pending age, dead letters, queue jobs, deliveries', async () => {
    const reply = await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${adminKey}` } });
    expect(reply.status).to.equal(200);
    const text = await reply.text();
    expect(text).to.match(/junction_intake_events_received_total\{source="shop",outcome="accepted"\} \d+/);
    expect(text).to.match(/junction_intake_events_received_total\{source="shop",outcome="duplicate"\} \d+/);
    expect(text).to.match(/junction_intake_events_received_total\{source="stripe-test",outcome="unauthorized"\} 3/);
    expect(text).to.match(/junction_intake_backlog 0/);
    expect(text).to.match(/junction_intake_oldest_pending_age_seconds 0/);
    expect(text).to.match(/junction_intake_dead_letters 1/);
    expect(text).to.match(/junction_intake_queue_jobs\{state="waiting"\} 0/);
    expect(text).to.match(/junction_intake_deliveries_total\{source="shop",outcome="signalled"\} \d+/);
    expect(text).to.match(/junction_intake_deliveries_total\{source="portal",outcome="retry"\} 6/);
  });

  describe('past the backlog limit', () => {
    let backlog: IntakeApi;
    let backlogDb: TestDatabase;
    let backlogApi: RunningApiServer;

    before(async () => {
      const limited = loadConfig({
        TEMPORAL_NAMESPACE: config.temporal.namespace,
        TEMPORAL_TASK_QUEUE: config.temporal.taskQueue,
        REDIS_URL,
        INTAKE_BACKLOG_LIMIT: '2',
      });
      // No consumer: accepted events stay pending, as when Temporal is down for long.
      backlog = await openIntakeApi({
        label: 'api_events_429',
        config: limited,
        temporal,
        catalog,
        sourcesYaml: sourcesYaml(prefix),
        secrets: SECRETS,
        queueName: uniqueId('intake-e2e-429'),
      });
      ({ db: backlogDb, api: backlogApi } = backlog);
    });

    after(async () => {
      await backlog?.close();
    });

    it('answers 429 with Retry-After and writes nothing, while repeats of accepted events still answer 200', async () => {
      const send = (key: string, eventId: string) => {
        const body = JSON.stringify(shopEvent(key, 'created'));
        return fetch(`${backlogApi.url}/v1/events/shop`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'X-Shop-Hmac': hmacBase64(body, SECRETS.SHOP_SECRET),
            'X-Shop-Event-Id': eventId,
          },
          body,
        });
      };
      expect((await send('b-1', 'b-1')).status).to.equal(202);
      expect((await send('b-2', 'b-2')).status).to.equal(202);
      // The backlog is read at most once a second per process.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const throttled = await send('b-3', 'b-3');
      expect(throttled.status).to.equal(429);
      expect(throttled.headers.get('retry-after')).to.equal('30');
      expect(((await throttled.json()) as { type: string }).type).to.equal('/problems/backlog-full');
      expect((await send('b-1', 'b-1')).status).to.equal(200);
      expect(await backlogDb.models.InboxEvent.count()).to.equal(2);
    });
  });
});
