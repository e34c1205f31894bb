import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { ZodError } from 'zod';
import { messageIdFor } from '../../connectors/email/email-outbox';
import { createSendGridConnector, type SendGridEmailConnector } from '../../connectors/email/sendgrid';
import type { EmailMessage } from '../../connectors/spi';
import { startSendGridFake as startSendGridStub } from '../fakes/sendgrid-fake';
import { connectorFailureOf } from '../support/expect-connector-error';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { SequelizeOutboxStore } from '../../server/db/email-outbox-store';

const key = () => `email-${randomBytes(6).toString('hex')}`;
const message = (): EmailMessage => ({
  to: ['ada@customer.example'],
  subject: `Order ${randomBytes(3).toString('hex')} shipped`,
  text: 'On its way.',
});
const sgError = (message: string) => ({ errors: [{ message, field: null }] });

describe('SendGrid email connector (SendGrid stub, MariaDB outbox)', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let stub: Awaited<ReturnType<typeof startSendGridStub>>;
  let sendgrid: SendGridEmailConnector;

  before(async () => {
    [db, stub] = await Promise.all([createTestDatabase('sendgrid_b'), startSendGridStub()]);
    sendgrid = createSendGridConnector(
      `email.sg-${randomBytes(3).toString('hex')}`,
      { baseUrl: stub.url, from: 'no-reply@shop.example', timeoutMs: 5000 },
      { apiKey: 'SG.stub-key' },
      new SequelizeOutboxStore(db.models.EmailOutboxEntry),
    );
  });

  after(async () => {
    await stub?.close();
    await db?.destroy();
  });

  it("answers with SendGrid's X-Message-Id, records it, and answers a replayed key with it without sending again", async () => {
    const idempotencyKey = key();
    const before = stub.received.length;
    const { messageId } = await sendgrid.send(message(), { idempotencyKey });
    expect(messageId).to.match(/^sg-[0-9a-f]{16}$/);
    expect(stub.received.at(-1)!.authorization).to.equal('Bearer SG.stub-key');
    expect(stub.received.at(-1)!.body.headers).to.deep.equal({
      'Message-ID': messageIdFor(idempotencyKey, 'shop.example'),
    });
    const row = await db.models.EmailOutboxEntry.findByPk(idempotencyKey);
    expect(row).to.deep.include({ status: 'sent', messageId });
    expect(await sendgrid.send(message(), { idempotencyKey })).to.deep.equal({ messageId });
    expect(stub.received.length).to.equal(before + 1);
  });

  it('when SendGrid rate-limits (429, X-RateLimit-Reset), then RATE_LIMITED is retryable and the retry sends under the same Message-ID', async () => {
    const idempotencyKey = key();
    const resetAt = Math.floor(Date.now() / 1000) + 30;
    stub.next.push({
      status: 429,
      headers: { 'X-RateLimit-Limit': '600', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(resetAt) },
      body: sgError('too many requests'),
    });
    const error = await connectorFailureOf(sendgrid.send(message(), { idempotencyKey }));
    expect(error.toDetails()).to.include({
      code: 'RATE_LIMITED',
      retryable: true,
      status: 429,
      vendorMessage: 'too many requests',
    });
    expect(error.retryAfterMs).to.be.within(25_000, 30_000);
    expect((await db.models.EmailOutboxEntry.findByPk(idempotencyKey))?.status).to.equal('sending');
    await sendgrid.send(message(), { idempotencyKey });
    const [first, retry] = stub.received.slice(-2);
    expect(retry!.body.headers).to.deep.equal(first!.body.headers);
    expect(retry!.body.personalizations[0]!.custom_args).to.deep.equal({ junction_idempotency_key: idempotencyKey });
  });

  it("maps 400 and 413 to INVALID_REQUEST, 401 to UNAUTHORIZED, 403 to FORBIDDEN, 500 to retryable VENDOR_UNAVAILABLE, with SendGrid's message", async () => {
    const cases = [
      {
        status: 400,
        code: 'INVALID_REQUEST',
        retryable: false,
        message: 'The from address does not match a verified Sender Identity.',
      },
      { status: 413, code: 'INVALID_REQUEST', retryable: false, message: 'content too large' },
      { status: 401, code: 'UNAUTHORIZED', retryable: false, message: 'authorization required' },
      { status: 403, code: 'FORBIDDEN', retryable: false, message: 'access forbidden' },
      { status: 500, code: 'VENDOR_UNAVAILABLE', retryable: true, message: 'internal server error' },
    ];
    for (const { status, code, retryable, message: vendorMessage } of cases) {
      stub.next.push({ status, body: sgError(vendorMessage) });
      const error = await connectorFailureOf(sendgrid.send(message(), { idempotencyKey: key() }));
      expect(error.toDetails(), String(status)).to.deep.equal({ code, retryable, status, vendorMessage });
    }
  });

  it('passes its health check with a sandbox-mode send (SendGrid answers 200), and fails it on a refused key', async () => {
    stub.next.push({ status: 200 });
    await sendgrid.healthCheck();
    stub.next.push({ status: 401, body: sgError('authorization required') });
    expect((await connectorFailureOf(sendgrid.healthCheck())).code).to.equal('UNAUTHORIZED');
  });

  it('rejects settings without a usable sender or key, naming the field', () => {
    expect(() =>
      createSendGridConnector(
        'email.bad',
        { from: 'nobody' },
        { apiKey: 'SG.x' },
        new SequelizeOutboxStore(db.models.EmailOutboxEntry),
      ),
    ).to.throw(ZodError, /from/);
    expect(() =>
      createSendGridConnector(
        'email.bad',
        { from: 'Shop <no-reply@shop.example>' },
        {},
        new SequelizeOutboxStore(db.models.EmailOutboxEntry),
      ),
    ).to.throw(ZodError, /apiKey/);
  });
});
