/**
 * Raw SendGrid v3 Mail Send payloads as tsg_mail_v3.json describes them: the request fields the
 * connector sends, and what a 2xx answer must carry. Vendor types stop at mappers/to-mail-send.ts.
 */
import { z } from 'zod';

/** `MailTo` / `MailFrom`. */
const address = z.object({ email: z.email(), name: z.string().optional() });

/**
 * The request body of POST /v3/mail/send (the subset Junction uses). Note the spec types the
 * top-level `custom_args` as a string, while each personalization's `custom_args` is an object:
 * the connector only uses the latter.
 */
export const mailSendBodySchema = z.object({
  personalizations: z
    .array(
      z.object({
        to: z.array(address).min(1),
        custom_args: z.record(z.string(), z.string()).optional(),
      }),
    )
    .min(1)
    .max(1000),
  from: address,
  subject: z.string().min(1).optional(),
  content: z
    .array(z.object({ type: z.string().min(1), value: z.string().min(1) }))
    .min(1)
    .optional(),
  attachments: z
    .array(
      z.object({
        content: z.string().min(1),
        type: z.string().min(1).optional(),
        filename: z.string(),
        disposition: z.enum(['inline', 'attachment']).optional(),
      }),
    )
    .optional(),
  headers: z.record(z.string(), z.string()).optional(),
  mail_settings: z.object({ sandbox_mode: z.object({ enable: z.boolean() }).optional() }).optional(),
});
export type MailSendBody = z.infer<typeof mailSendBodySchema>;

/**
 * A successful answer: 202 Accepted (the spec's only 2xx), or 200 for a sandbox-mode send. The
 * body is empty; the message id comes in the X-Message-Id header, which the spec does not list
 * (so Prism does not send it).
 */
export const mailSendAcceptedSchema = z.object({
  status: z.union([z.literal(202), z.literal(200)]),
  messageId: z.string().min(1).max(255).optional(),
});
export type MailSendAccepted = z.infer<typeof mailSendAcceptedSchema>;
