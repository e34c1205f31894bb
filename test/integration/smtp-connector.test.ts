import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import winston from 'winston';
import { allowEgressTo } from '../../connectors/egress/egress-policy';
import { messageIdFor } from '../../connectors/email/email-outbox';
import { SmtpEmailConnector } from '../../connectors/email/smtp/smtp.connector';
import type { EmailMessage } from '../../connectors/spi';
import { getLogger, replaceLogger } from '../../logging/logger';
import { allowListeningServer } from '../fakes/egress-allowance';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { connectorFailureOf } from '../support/expect-connector-error';
import { SequelizeOutboxStore } from '../../server/db/email-outbox-store';

interface TestSmtpServer {
  url: string;
  received: ParsedMail[];
  /** SMTP sessions opened to it. */
  connections: number;
  close(): Promise<void>;
}

/**
 * A real SMTP server: 550 for recipients starting "reject", 451 for "later", auth refused when
 * required. It names itself in the egress allow-list unless `allowed` is false.
 */
async function startSmtpServer(options: { requireAuth?: boolean; allowed?: boolean } = {}): Promise<TestSmtpServer> {
  const received: ParsedMail[] = [];
  const counts = { connections: 0 };
  const server = new SMTPServer({
    authOptional: !options.requireAuth,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      counts.connections += 1;
      callback();
    },
    onAuth(_auth, _session, callback) {
      callback(new Error('Invalid username or password'));
    },
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('reject'))
        return callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
      if (address.address.startsWith('later'))
        return callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
      return callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          received.push(mail);
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  const release = options.allowed === false ? () => undefined : allowListeningServer(server.server);
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    get connections() {
      return counts.connections;
    },
    close: () => {
      release();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on, allowed as a destination (as an operator's entry would be) until `release`. */
async function closedPortUrl(): Promise<{ url: string; release: () => void }> {
  const server = await startSmtpServer({ allowed: false });
  await server.close();
  return { url: server.url, release: allowEgressTo(new URL(server.url).host) };
}

const key = () => `email-${randomBytes(6).toString('hex')}`;
const FROM = 'Shop <no-reply@shop.example>';

describe('SMTP email connector (real SMTP server, MariaDB outbox)', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let smtp: TestSmtpServer;
  let mailer: SmtpEmailConnector;
  const opened: SmtpEmailConnector[] = [];

  function connector(url: string): SmtpEmailConnector {
    const created = new SmtpEmailConnector(
      `email.t-${randomBytes(3).toString('hex')}`,
      { url, from: FROM, connectionTimeoutMs: 2000, socketTimeoutMs: 5000 },
      new SequelizeOutboxStore(db.models.EmailOutboxEntry),
    );
    opened.push(created);
    return created;
  }

  const message = (to: string, subject = `Order ${randomBytes(3).toString('hex')} confirmed`): EmailMessage => ({
    to: [to],
    subject,
    text: 'Thank you for your order.\nTotal: €44.98',
    html: '<p>Thank you for your order.</p>',
    attachments: [
      {
        filename: 'invoice.txt',
        contentType: 'text/plain',
        contentBase64: Buffer.from('INV-000001').toString('base64'),
      },
    ],
  });

  before(async () => {
    [db, smtp] = await Promise.all([createTestDatabase('smtp'), startSmtpServer()]);
    mailer = connector(smtp.url);
  });

  after(async () => {
    for (const created of opened) created.close();
    await smtp?.close();
    await db?.destroy();
  });

  it('delivers the message with its subject, body, recipients and attachment, under a Message-ID derived from the key', async () => {
    const idempotencyKey = key();
    const sent = message('ada@customer.example');
    const { messageId } = await mailer.send(sent, { idempotencyKey });
    expect(messageId).to.equal(messageIdFor(idempotencyKey, 'shop.example'));
    expect(messageId).to.match(/^<[0-9a-f]{32}@shop\.example>$/);
    const mail = smtp.received.find((m) => m.subject === sent.subject);
    expect(mail, 'received').to.not.equal(undefined);
    expect(mail!.messageId).to.equal(messageId);
    expect(mail!.text?.trim()).to.equal(sent.text);
    expect(mail!.html).to.contain('Thank you for your order.');
    expect(mail!.from?.text).to.contain('no-reply@shop.example');
    expect(mail!.attachments.map((a) => [a.filename, a.content.toString()])).to.deep.equal([
      ['invoice.txt', 'INV-000001'],
    ]);
    const to = Array.isArray(mail!.to) ? mail!.to : [mail!.to];
    expect(to.flatMap((address) => address?.value.map((v) => v.address) ?? [])).to.deep.equal(['ada@customer.example']);
  });

  it('when the same key is sent twice, then one email is delivered and both calls answer the same Message-ID', async () => {
    const idempotencyKey = key();
    const sent = message('twice@customer.example');
    const first = await mailer.send(sent, { idempotencyKey });
    const second = await mailer.send(sent, { idempotencyKey });
    expect(second).to.deep.equal(first);
    expect(smtp.received.filter((m) => m.subject === sent.subject)).to.have.length(1);
    const row = await db.models.EmailOutboxEntry.findByPk(idempotencyKey);
    expect(row?.status).to.equal('sent');
  });

  it('when an earlier attempt stopped before "sent", then the retry sends with the Message-ID recorded then', async () => {
    const idempotencyKey = key();
    await db.models.EmailOutboxEntry.create({
      idempotencyKey,
      connector: 'email.crashed',
      messageId: '<crashed-attempt@shop.example>',
      status: 'sending',
    });
    const sent = message('retry@customer.example');
    const { messageId } = await mailer.send(sent, { idempotencyKey });
    expect(messageId).to.equal('<crashed-attempt@shop.example>');
    expect(smtp.received.find((m) => m.subject === sent.subject)?.messageId).to.equal(messageId);
  });

  it('when the server rejects the recipient with 550, then INVALID_REQUEST is not retryable and a retry may send later', async () => {
    const idempotencyKey = key();
    const error = await connectorFailureOf(mailer.send(message('reject-me@customer.example'), { idempotencyKey }));
    expect(error.toDetails()).to.include({ code: 'INVALID_REQUEST', retryable: false, status: 550 });
    expect(error.vendorMessage).to.contain('550');
    expect((await db.models.EmailOutboxEntry.findByPk(idempotencyKey))?.status).to.equal('sending');
  });

  it('when the server defers with 451, then VENDOR_UNAVAILABLE is retryable', async () => {
    const error = await connectorFailureOf(mailer.send(message('later@customer.example'), { idempotencyKey: key() }));
    expect(error.toDetails()).to.include({ code: 'VENDOR_UNAVAILABLE', retryable: true, status: 451 });
  });

  it('when nothing listens on the port, then NETWORK is retryable', async () => {
    const closed = await closedPortUrl();
    try {
      const offline = connector(closed.url);
      const error = await connectorFailureOf(offline.send(message('ada@customer.example'), { idempotencyKey: key() }));
      expect(error.toDetails()).to.include({ code: 'NETWORK', retryable: true });
      expect((await connectorFailureOf(offline.healthCheck())).code).to.equal('NETWORK');
    } finally {
      closed.release();
    }
  });

  it('when the relay is a loopback port no allow-list entry names, then DESTINATION_REFUSED before connecting, and the allowed relay still gets its mail', async () => {
    const unlisted = await startSmtpServer({ allowed: false });
    try {
      for (const url of [unlisted.url, unlisted.url.replace('127.0.0.1', 'localhost')]) {
        const refused = connector(url);
        const error = await connectorFailureOf(
          refused.send(message('ada@customer.example'), { idempotencyKey: key() }),
        );
        expect(error.toDetails()).to.deep.equal({ code: 'DESTINATION_REFUSED', retryable: false });
        expect(error.message)
          .to.contain(`:${new URL(unlisted.url).port} refused`)
          .and.contain('CONNECTOR_EGRESS_ALLOW');
        expect((await connectorFailureOf(refused.healthCheck())).code).to.equal('DESTINATION_REFUSED');
      }
      expect(unlisted.connections, 'sessions opened to the unlisted server').to.equal(0);
      const sent = message('still-delivered@customer.example');
      await mailer.send(sent, { idempotencyKey: key() });
      expect(smtp.received.map((m) => m.subject)).to.include(sent.subject);
    } finally {
      await unlisted.close();
    }
  });

  it('when the server refuses the credentials, then UNAUTHORIZED is not retryable and the password is never logged', async () => {
    const authServer = await startSmtpServer({ requireAuth: true });
    const lines: string[] = [];
    const previous = getLogger();
    replaceLogger(
      winston.createLogger({
        level: 'debug',
        format: winston.format.json(),
        transports: [
          new winston.transports.Stream({
            stream: new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) }),
          }),
        ],
      }),
    );
    try {
      const withCredentials = connector(authServer.url.replace('smtp://', 'smtp://shop:hunter2@'));
      const error = await connectorFailureOf(
        withCredentials.send(message('ada@customer.example'), { idempotencyKey: key() }),
      );
      expect(error.toDetails()).to.include({ code: 'UNAUTHORIZED', retryable: false });
      expect(JSON.stringify(error.toDetails()) + error.message).not.to.contain('hunter2');
      expect(lines.join('\n')).to.contain('***').and.not.contain('hunter2');
    } finally {
      replaceLogger(previous);
      await authServer.close();
    }
  });

  it('when the message is invalid, then INVALID_REQUEST without contacting the server', async () => {
    const error = await connectorFailureOf(mailer.send({ to: [], subject: 'x', text: 'y' }, { idempotencyKey: key() }));
    expect(error.toDetails()).to.include({ code: 'INVALID_REQUEST', retryable: false });
    const injected = await connectorFailureOf(
      mailer.send({ to: ['a@b.example'], subject: 'x\r\nBcc: evil@example.com', text: 'y' }, { idempotencyKey: key() }),
    );
    expect(injected.code).to.equal('INVALID_REQUEST');
  });

  it('passes its health check against a live server', async () => {
    await mailer.healthCheck();
  });
});
