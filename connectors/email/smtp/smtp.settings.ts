import { z } from 'zod';
import { smtpUrlOptionProblems } from '../../../config/smtp-url-options';

/**
 * nodemailer applies a URL's query options over the ones the connector passes, so an option that
 * moves the connection (`host`, `port`, `proxy`, `service` …) is refused in every environment;
 * production also refuses the ones that weaken TLS or log the transcript (smtpSettingsProblems).
 */
function refuseReroutingOptions(url: string, ctx: z.RefinementCtx): void {
  for (const problem of smtpUrlOptionProblems(url, { production: false }))
    ctx.addIssue({ code: 'custom', message: problem });
}

/** Settings of an `email/smtp` instance. The URL may carry credentials: it is never logged unredacted. */
export const smtpSettingsSchema = z.object({
  /** smtp://user:pass@host:587 (STARTTLS when offered) or smtps://…:465; nodemailer URL options allowed. */
  url: z
    .string()
    .url()
    .refine((url) => /^smtps?:\/\//.test(url), 'must start with smtp:// or smtps://')
    .superRefine(refuseReroutingOptions),
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

/** What production refuses beside the schema: URL options that weaken TLS or log the SMTP transcript. */
export function smtpSettingsProblems(
  settings: Record<string, unknown>,
  context: { production: boolean },
): { path: string[]; message: string }[] {
  if (!context.production || typeof settings.url !== 'string') return [];
  return smtpUrlOptionProblems(settings.url, { production: true }).map((message) => ({
    path: ['settings', 'url'],
    message,
  }));
}
