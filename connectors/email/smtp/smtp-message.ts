import type { SendMailOptions } from 'nodemailer';
import type { EmailMessage } from '../../spi';

/** nodemailer options for one message; attachments are inline content only, never paths or URLs. */
export function toMailOptions(message: EmailMessage, from: string, messageId: string): SendMailOptions {
  return {
    from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    ...(message.html !== undefined ? { html: message.html } : {}),
    ...(message.attachments !== undefined
      ? {
          attachments: message.attachments.map((a) => ({
            filename: a.filename,
            contentType: a.contentType,
            content: a.contentBase64,
            encoding: 'base64',
          })),
        }
      : {}),
    messageId,
  };
}
