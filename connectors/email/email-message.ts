/**
 * Validation of an EmailMessage as a mail provider's API would do it, shared by every email
 * vendor: a bad message is a non-retryable INVALID_REQUEST naming the field, never a provider error.
 */
import { z } from 'zod';
import { ConnectorError } from '../connector-error';
import { ConnectorErrorCode } from '../connector-error-codes';
import type { EmailMessage } from '../spi';

const emailMessageSchema = z.object({
  to: z.array(z.email()).min(1).max(100),
  // CR/LF in a subject would let a caller inject headers.
  subject: z
    .string()
    .min(1)
    .max(998)
    .regex(/^[^\r\n]*$/, 'must be a single line'),
  text: z.string(),
  html: z.string().optional(),
  attachments: z
    .array(
      z.object({
        filename: z.string().min(1).max(255),
        contentType: z.string().min(3).max(255),
        contentBase64: z.base64(),
      }),
    )
    .max(20)
    .optional(),
});

/** Parses the message or throws INVALID_REQUEST with the first problem, e.g. `to.0: Invalid email address`. */
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

/** Every email write needs its key: it is what makes the send exactly-once. */
export function requireIdempotencyKey(idempotencyKey: string | undefined, connector: string): string {
  if (idempotencyKey && idempotencyKey.length <= 255) return idempotencyKey;
  throw new ConnectorError(`${connector}: missing or oversized idempotency key`, {
    code: ConnectorErrorCode.InvalidRequest,
    retryable: false,
    vendorMessage: 'idempotencyKey is required (at most 255 characters)',
  });
}
