import nodemailer, { type Transporter } from 'nodemailer';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import { getLogger } from '../../../logging/logger';
import { redactUrl } from '../../../logging/redact';
import type { EmailConnector, EmailMessage, EmailOperation, WriteOptions } from '../../spi';
import { requireIdempotencyKey, validateEmailMessage } from '../email-message';
import { messageIdFor, senderDomain, type OutboxStore } from '../email-outbox';
import { classifySmtpError } from './smtp-errors';
import { guardedSmtpSocket } from './smtp-socket';
import { toMailOptions } from './smtp-message';
import { smtpSettingsSchema, type SmtpSettings } from './smtp.settings';

/**
 * Sends email through any SMTP server (a mail catcher locally, a relay in production). Every
 * connection to it passes the egress policy (smtp-socket.ts).
 */
export class SmtpEmailConnector implements EmailConnector {
  readonly kind = 'email';
  readonly vendor = 'smtp';
  readonly unsupported: readonly EmailOperation[] = [];
  private readonly settings: SmtpSettings;
  private readonly transporter: Transporter<SMTPPool.SentMessageInfo>;
  /** For logs and errors: the URL with its password masked. */
  private readonly target: string;

  constructor(
    readonly name: string,
    settings: unknown,
    private readonly outbox: OutboxStore,
  ) {
    this.settings = smtpSettingsSchema.parse(settings);
    this.target = redactUrl(this.settings.url);
    this.transporter = nodemailer.createTransport({
      // Given a `url`, nodemailer would read nothing but the URL (no pool, no timeouts, no
      // getSocket). Its own parser turns the URL into options, then the connector's win.
      ...parseConnectionUrl(this.settings.url),
      // Reuses connections: a fan-out no longer pays a TCP + TLS + AUTH handshake per message.
      pool: true,
      maxConnections: this.settings.maxConnections,
      connectionTimeout: this.settings.connectionTimeoutMs,
      greetingTimeout: this.settings.connectionTimeoutMs,
      socketTimeout: this.settings.socketTimeoutMs,
      logger: false,
      // Messages carry their attachments inline; a path or URL in one must never be fetched.
      disableFileAccess: true,
      disableUrlAccess: true,
      // Connects to the relay only when the egress policy allows its address.
      getSocket: guardedSmtpSocket,
    });
  }

  /**
   * Sends once per idempotency key: a key whose email was accepted answers with its Message-ID
   * without sending; otherwise the message goes out with the Message-ID derived from the key.
   */
  async send(message: EmailMessage, options: WriteOptions): Promise<{ messageId: string }> {
    const valid = validateEmailMessage(message, this.name);
    const idempotencyKey = requireIdempotencyKey(options.idempotencyKey, this.name);
    const entry = await this.outbox.claim({
      idempotencyKey,
      connector: this.name,
      messageId: messageIdFor(idempotencyKey, senderDomain(this.settings.from)),
    });
    const log = getLogger();
    if (entry.status === 'sent') {
      log.debug('email already sent', { connector: this.name, messageId: entry.messageId });
      return { messageId: entry.messageId };
    }
    const started = performance.now();
    let info: SMTPPool.SentMessageInfo;
    try {
      info = await this.transporter.sendMail(toMailOptions(valid, this.settings.from, entry.messageId));
    } catch (error) {
      const failure = classifySmtpError(error, this.name);
      log.warn('email not sent', {
        connector: this.name,
        server: this.target,
        messageId: entry.messageId,
        code: failure?.code ?? 'UNKNOWN',
        retryable: failure?.retryable,
      });
      throw failure ?? error;
    }
    await this.outbox.markSent(idempotencyKey);
    log.debug('email sent', {
      connector: this.name,
      messageId: entry.messageId,
      recipients: valid.to.length,
      rejected: info.rejected.length,
      durationMs: Math.round(performance.now() - started),
    });
    return { messageId: entry.messageId };
  }

  async healthCheck(): Promise<void> {
    try {
      await this.transporter.verify();
    } catch (error) {
      const failure = classifySmtpError(error, this.name);
      getLogger().warn('smtp health check failed', {
        connector: this.name,
        server: this.target,
        code: failure?.code ?? 'UNKNOWN',
      });
      throw failure ?? error;
    }
  }

  close(): void {
    this.transporter.close();
  }
}
