/**
 * The SendGrid connector against SendGrid's own v3 Mail Send spec (tsg_mail_v3.json), served by
 * Prism as a validating mock, with the email outbox in MariaDB. Every call goes through the
 * connector and must be answered without `sl-violations`.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { createSendGridConnector, type SendGridEmailConnector } from '../../connectors/email/sendgrid';
import { messageIdFor } from '../../connectors/email/email-outbox';
import type { EmailMessage } from '../../connectors/spi';
import { connectorFailureOf } from '../support/expect-connector-error';
import { getPrismMock, prismViolations, type PrismMock } from '../support/prism-mock';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { recordingHttpClient, type RecordedExchange, type RecordingHttpClient } from './recording-http-client';
import { SequelizeOutboxStore } from '../../server/db/email-outbox-store';

const SPEC = 'sendgrid/tsg_mail_v3.json';
const API_KEY = 'SG.contract-test-key';
const key = () => `email-${randomBytes(6).toString('hex')}`;

const message = (): EmailMessage => ({
  to: ['ada@customer.example', 'grace@customer.example'],
  subject: `Order ${randomBytes(3).toString('hex')} confirmed`,
  text: 'Thank you for your order.\nTotal: €44.98',
  html: '<p>Thank you for your order.</p>',
  attachments: [
    { filename: 'invoice.txt', contentType: 'text/plain', contentBase64: Buffer.from('INV-000001').toString('base64') },
  ],
});

interface SentBody {
  personalizations: { to: { email: string }[]; custom_args?: Record<string, string> }[];
  from: { email: string; name?: string };
  subject?: string;
  content?: { type: string; value: string }[];
  attachments?: { content: string; type?: string; filename: string; disposition?: string }[];
  headers?: Record<string, string>;
  mail_settings?: { sandbox_mode?: { enable: boolean } };
}

describe('SendGrid connector contract (Prism, tsg_mail_v3.json; MariaDB outbox)', function () {
  this.timeout(120_000);
  let prism: PrismMock;
  let db: TestDatabase;
  let recorder: RecordingHttpClient;
  let sendgrid: SendGridEmailConnector;
  let seen = 0;

  /** The exchanges since the last call, each answered without error or violation. */
  function conformingExchanges(): RecordedExchange[] {
    const fresh = recorder.exchanges.slice(seen);
    seen = recorder.exchanges.length;
    for (const exchange of fresh) {
      expect(exchange.error, `${exchange.method} ${exchange.url} failed`).to.equal(undefined);
      expect(exchange.violations, `${exchange.method} ${exchange.url} violates the spec`).to.deep.equal([]);
      expect(`${exchange.method} ${exchange.url}`).to.equal('POST /v3/mail/send');
    }
    return fresh;
  }

  before(async () => {
    [prism, db] = await Promise.all([getPrismMock(SPEC), createTestDatabase('sendgrid')]);
    recorder = recordingHttpClient();
    sendgrid = createSendGridConnector(
      'email.contract',
      { baseUrl: prism.url, from: 'Shop <no-reply@shop.example>' },
      { apiKey: API_KEY },
      new SequelizeOutboxStore(db.models.EmailOutboxEntry),
      {
        decorateHttp: (http) => recorder.wrap(http),
      },
    );
  });

  after(() => db?.destroy());

  it('validation is on: a malformed request is rejected with a 4xx and sl-violations', async () => {
    const response = await fetch(`${prism.url}/v3/mail/send`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ personalizations: [{ to: [{ email: 'not-an-address' }] }], subject: '' }),
    });
    expect(response.status).to.be.within(400, 499);
    expect(prismViolations(response.headers).map((v) => v.location.join('.'))).to.include.members([
      'request.body',
      'request.body.personalizations.0.to.0.email',
      'request.body.subject',
    ]);
  });

  it('the spec types the top-level custom_args as a string: the connector puts the key in the personalization instead', async () => {
    const response = await fetch(`${prism.url}/v3/mail/send`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        personalizations: [{ to: [{ email: 'a@b.example' }] }],
        from: { email: 'no-reply@shop.example' },
        custom_args: { junction_idempotency_key: 'k' },
      }),
    });
    expect(response.status).to.be.within(400, 499);
    expect(prismViolations(response.headers).map((v) => v.location.join('.'))).to.deep.equal([
      'request.body.custom_args',
    ]);
  });

  it('send with text, html, an attachment and custom_args: POST /v3/mail/send answers 202 and conforms', async () => {
    const idempotencyKey = key();
    const sent = message();
    const { messageId } = await sendgrid.send(sent, { idempotencyKey });
    const [exchange] = conformingExchanges();
    expect(exchange!.status).to.equal(202);
    expect(exchange!.requestHeaders['Content-Type']).to.equal('application/json');
    const body = exchange!.data as SentBody;
    expect(body.personalizations).to.deep.equal([
      {
        to: [{ email: 'ada@customer.example' }, { email: 'grace@customer.example' }],
        custom_args: { junction_idempotency_key: idempotencyKey },
      },
    ]);
    expect(body.from).to.deep.equal({ email: 'no-reply@shop.example', name: 'Shop' });
    expect(body.subject).to.equal(sent.subject);
    expect(body.content).to.deep.equal([
      { type: 'text/plain', value: sent.text },
      { type: 'text/html', value: sent.html },
    ]);
    expect(body.attachments).to.deep.equal([
      {
        content: sent.attachments![0]!.contentBase64,
        type: 'text/plain',
        filename: 'invoice.txt',
        disposition: 'attachment',
      },
    ]);
    // Prism sends no X-Message-Id (the spec does not list it): the Message-ID we set stands in.
    expect(body.headers).to.deep.equal({ 'Message-ID': messageIdFor(idempotencyKey, 'shop.example') });
    expect(messageId).to.equal(messageIdFor(idempotencyKey, 'shop.example'));
    expect((await db.models.EmailOutboxEntry.findByPk(idempotencyKey))?.status).to.equal('sent');
  });

  it('when the same key is sent twice, then SendGrid is called once and both calls answer the same message id', async () => {
    const idempotencyKey = key();
    const first = await sendgrid.send(message(), { idempotencyKey });
    const second = await sendgrid.send(message(), { idempotencyKey });
    expect(second).to.deep.equal(first);
    expect(conformingExchanges()).to.have.length(1);
  });

  it('when an earlier attempt stopped before "sent", then the retry sends under the Message-ID recorded then', async () => {
    const idempotencyKey = key();
    await db.models.EmailOutboxEntry.create({
      idempotencyKey,
      connector: 'email.contract',
      messageId: '<crashed-attempt@shop.example>',
      status: 'sending',
    });
    const { messageId } = await sendgrid.send(message(), { idempotencyKey });
    expect(messageId).to.equal('<crashed-attempt@shop.example>');
    const [exchange] = conformingExchanges();
    expect((exchange!.data as SentBody).headers).to.deep.equal({ 'Message-ID': '<crashed-attempt@shop.example>' });
  });

  it('a message with html only sends only the html part; an empty one is INVALID_REQUEST without a call', async () => {
    await sendgrid.send(
      { to: ['ada@customer.example'], subject: 'Html only', text: '', html: '<p>Hi</p>' },
      { idempotencyKey: key() },
    );
    const [exchange] = conformingExchanges();
    expect((exchange!.data as SentBody).content).to.deep.equal([{ type: 'text/html', value: '<p>Hi</p>' }]);
    const error = await connectorFailureOf(
      sendgrid.send({ to: ['ada@customer.example'], subject: 'Empty', text: '' }, { idempotencyKey: key() }),
    );
    expect(error.toDetails()).to.include({ code: 'INVALID_REQUEST', retryable: false });
    expect(conformingExchanges()).to.have.length(0);
  });

  it('healthCheck: a sandbox-mode send to the sender conforms', async () => {
    await sendgrid.healthCheck();
    const [exchange] = conformingExchanges();
    const body = exchange!.data as SentBody;
    expect(body.mail_settings).to.deep.equal({ sandbox_mode: { enable: true } });
    expect(body.personalizations).to.deep.equal([{ to: [{ email: 'no-reply@shop.example' }] }]);
  });
});
