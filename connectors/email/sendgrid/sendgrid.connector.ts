import { getLogger } from '../../../logging/logger';
import { ConnectorError } from '../../connector-error';
import { ConnectorErrorCode } from '../../connector-error-codes';
import type { EmailConnector, EmailMessage, EmailOperation, WriteOptions } from '../../spi';
import { requireIdempotencyKey, validateEmailMessage } from '../email-message';
import { messageIdFor, senderDomain, type OutboxStore } from '../email-outbox';
import { toMailSend, toSandboxProbe, type Sender } from './mappers/to-mail-send';
import type { SendGridClient } from './sendgrid.client';
import { sendgridManifest } from './sendgrid.manifest';
import { parseSender, type SendGridSettings } from './sendgrid.settings';

/**
 * Sends email through SendGrid's v3 API. SendGrid has no idempotency key, so exactly-once is the
 * SMTP connector's: an outbox entry per key, `sent` once SendGrid accepted. A crash between accept
 * and `sent` resends under the same Message-ID header, which receivers can deduplicate.
 */
export class SendGridEmailConnector implements EmailConnector {
  readonly kind = 'email';
  readonly vendor = sendgridManifest.vendor;
  readonly unsupported: readonly EmailOperation[] = [];
  private readonly sender: Sender;

  constructor(
    readonly name: string,
    settings: SendGridSettings,
    private readonly client: SendGridClient,
    private readonly outbox: OutboxStore,
  ) {
    const sender = parseSender(settings.from);
    if (!sender)
      throw new ConnectorError(`${name}: from is not an email address`, {
        code: ConnectorErrorCode.Misconfigured,
        retryable: false,
      });
    this.sender = sender;
  }

  /**
   * Sends once per idempotency key: a key whose email SendGrid accepted answers with the message
   * id recorded then (SendGrid's X-Message-Id) without sending again.
   */
  async send(message: EmailMessage, options: WriteOptions): Promise<{ messageId: string }> {
    const valid = validateEmailMessage(message, this.name);
    if (valid.text === '' && (valid.html ?? '') === '') {
      throw new ConnectorError(`${this.name}: invalid email message`, {
        code: ConnectorErrorCode.InvalidRequest,
        retryable: false,
        vendorMessage: 'text or html must not be empty',
      });
    }
    const idempotencyKey = requireIdempotencyKey(options.idempotencyKey, this.name);
    const entry = await this.outbox.claim({
      idempotencyKey,
      connector: this.name,
      messageId: messageIdFor(idempotencyKey, senderDomain(this.sender.email)),
    });
    const log = getLogger();
    if (entry.status === 'sent') {
      log.debug('email already sent', { connector: this.name, messageId: entry.messageId });
      return { messageId: entry.messageId };
    }
    const started = performance.now();
    const accepted = await this.client.sendMail(
      toMailSend(valid, this.sender, { idempotencyKey, messageId: entry.messageId }),
    );
    // SendGrid always names the message; without the header (a proxy stripped it, or a mock) the
    // Message-ID we set is the best id there is, and failing now would send the email twice.
    if (accepted.messageId === undefined)
      log.warn('sendgrid accepted without X-Message-Id; answering with our Message-ID', {
        connector: this.name,
        messageId: entry.messageId,
      });
    const messageId = accepted.messageId ?? entry.messageId;
    await this.outbox.markSent(idempotencyKey, messageId);
    log.debug('email sent', {
      connector: this.name,
      messageId,
      recipients: valid.to.length,
      durationMs: Math.round(performance.now() - started),
    });
    return { messageId };
  }

  /**
   * A sandbox-mode send to the sender itself: SendGrid checks the key's Mail Send permission and
   * the request, and delivers nothing. (The spec offers no read-only call that proves the Mail
   * Send permission; validating a batch id needs a different one.)
   */
  close(): Promise<void> {
    return this.client.close();
  }

  async healthCheck(): Promise<void> {
    await this.client.sendMail(toSandboxProbe(this.sender));
  }
}
