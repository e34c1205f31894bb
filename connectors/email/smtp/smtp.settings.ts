import { z } from 'zod';

/** Settings of an `email/smtp` instance. The URL may carry credentials: it is never logged unredacted. */
export const smtpSettingsSchema = z.object({
  /** smtp://user:pass@host:587 (STARTTLS when offered) or smtps://…:465; nodemailer URL options allowed. */
  url: z
    .string()
    .url()
    .refine((url) => /^smtps?:\/\//.test(url), 'must start with smtp:// or smtps://'),
  /** The From header, e.g. `Shop <no-reply@shop.example>`. */
  from: z.string().min(3),
  /** Connections kept open to the relay and used in parallel (default 5). */
  maxConnections: z.number().int().min(1).max(50).default(5),
  /** TCP connect and greeting timeout (default 10 s). */
  connectionTimeoutMs: z.number().int().positive().default(10_000),
  /** Inactivity timeout during the SMTP session (default 30 s): shorter than an activity's timeout. */
  socketTimeoutMs: z.number().int().positive().default(30_000),
});

export type SmtpSettings = z.infer<typeof smtpSettingsSchema>;
