import { z } from 'zod';
import { sendgridManifest } from './sendgrid.manifest';
import { resilienceSettingsShape } from '../../http/resilience-settings';

const NAMED_ADDRESS = /^\s*"?([^"<>]*?)"?\s*<([^<>\s]+)>\s*$/;

/** `Shop <no-reply@shop.example>` → { email, name }; a bare address → { email }. Undefined if neither. */
export function parseSender(from: string): { email: string; name?: string } | undefined {
  const named = NAMED_ADDRESS.exec(from);
  const email = (named ? named[2] : from)?.trim() ?? '';
  if (!z.email().safeParse(email).success) return undefined;
  const name = named?.[1]?.trim();
  return name ? { email, name } : { email };
}

/** Settings of an `email/sendgrid` instance (connectors.yaml or the API). */
export const sendgridSettingsSchema = z.object({
  /** Rate limit and circuit breaker of this instance's HTTP client (connectors/http/resilience-settings.ts). */
  ...resilienceSettingsShape,
  /** Default https://api.sendgrid.com; https://api.eu.sendgrid.com for EU subusers; tests use Prism. */
  baseUrl: z.url({ protocol: /^https?$/ }).default(sendgridManifest.baseUrl),
  /** The sender, `Shop <no-reply@shop.example>` or a bare address; SendGrid must know it (verified sender or domain). */
  from: z.string().refine((from) => parseSender(from) !== undefined, 'must be an email address or "Name <address>"'),
  /** Whole-request timeout (default 30 s); attachments make requests large. */
  timeoutMs: z.number().int().positive().max(120_000).default(30_000),
});
export type SendGridSettings = z.infer<typeof sendgridSettingsSchema>;

/** Stored encrypted, never logged, never returned by the API. */
export const sendgridCredentialsSchema = z.object({
  apiKey: z.string().min(1),
});
export type SendGridCredentials = z.infer<typeof sendgridCredentialsSchema>;
