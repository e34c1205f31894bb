/** Junction's EmailMessage → the body of SendGrid's POST /v3/mail/send. */
import type { EmailMessage } from '../../../spi';
import { sendgridManifest } from '../sendgrid.manifest';
import type { MailSendBody } from '../sendgrid.schemas';

export interface Sender {
  email: string;
  name?: string;
}

/**
 * One personalization for all recipients (they share the To header, as over SMTP); text/plain
 * before text/html, as SendGrid requires; attachments inline as base64. The caller has checked
 * that text or html is non-empty (SendGrid rejects empty content values).
 */
export function toMailSend(
  message: EmailMessage,
  from: Sender,
  send: { idempotencyKey: string; messageId: string },
): MailSendBody {
  const content = [
    ...(message.text !== '' ? [{ type: 'text/plain', value: message.text }] : []),
    ...(message.html !== undefined && message.html !== '' ? [{ type: 'text/html', value: message.html }] : []),
  ];
  return {
    personalizations: [
      {
        to: message.to.map((email) => ({ email })),
        custom_args: { [sendgridManifest.idempotency.customArg]: send.idempotencyKey },
      },
    ],
    from,
    subject: message.subject,
    content,
    ...(message.attachments !== undefined && message.attachments.length > 0
      ? {
          attachments: message.attachments.map((a) => ({
            content: a.contentBase64,
            type: a.contentType,
            filename: a.filename,
            disposition: 'attachment' as const,
          })),
        }
      : {}),
    headers: { [sendgridManifest.idempotency.messageIdHeader]: send.messageId },
  };
}

/** A message SendGrid validates in sandbox mode and never delivers: the health check. */
export function toSandboxProbe(from: Sender): MailSendBody {
  return {
    personalizations: [{ to: [{ email: from.email }] }],
    from,
    subject: 'Junction health check',
    content: [{ type: 'text/plain', value: 'Sandbox mode: validated by SendGrid, not delivered.' }],
    mail_settings: { sandbox_mode: { enable: true } },
  };
}
