import type { SendMailOptions } from 'nodemailer';
import { z } from 'zod';
import { ConnectorError } from '../../connector-error';
import { ConnectorErrorCode } from '../../errors';
import type { EmailMessage } from '../../spi';

const emailMessageSchema = z.object({
  to: z.array(z.email()).min(1).max(100),
  // CR/LF in a subject would let a caller inject headers.
  subject: z.string().min(1).max(998).regex(/^[^\r\n]*$/, 'must be a single line'),
  text: z.string(),
  html: z.string().optional(),
  attachments: z
    .array(z.object({ filename: z.string().min(1).max(255), contentType: z.string().min(3).max(255), contentBase64: z.base64() }))
    .max(20)
    .optional(),
});

/** Validates a message as a mail provider's API would: a bad one is INVALID_REQUEST, not an SMTP error. */
export function validateEmailMessage(message: EmailMessage, connector: string): EmailMessage {
  const result = emailMessageSchema.safeParse(message);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new ConnectorError(`${connector}: invalid email message`, {
    code: ConnectorErrorCode.InvalidRequest,
    retryable: false,
    vendorMessage: `${where}${issue?.message ?? 'invalid message'}`,
  });
}

/** nodemailer options for one message; attachments are inline content only, never paths or URLs. */
export function toMailOptions(message: EmailMessage, from: string, messageId: string): SendMailOptions {
  return {
    from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    ...(message.html !== undefined ? { html: message.html } : {}),
    ...(message.attachments !== undefined
      ? { attachments: message.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.contentBase64, encoding: 'base64' })) }
      : {}),
    messageId,
  };
}
