/**
 * Exactly-once email for providers without idempotency of their own (SMTP, SendGrid): an outbox
 * entry per idempotency key records the Message-ID before sending and `sent` after the provider
 * accepted. A crash between the two resends with the same Message-ID, which receivers can
 * deduplicate.
 */
import { createHash } from 'node:crypto';

/** What the outbox remembers of one idempotency key. */
export interface OutboxEntry {
  idempotencyKey: string;
  /** The connector instance that claimed the key. */
  connector: string;
  messageId: string;
  /** `sending` before the provider is called, `sent` once it accepted the message. */
  status: 'sending' | 'sent';
}

/**
 * Where the entries are kept. The process injects it through the registry's factory deps
 * (server/db/email-outbox-store.ts keeps them in the email_outbox table), so a send that a
 * crashed worker half-did is known to the worker that retries it.
 */
export interface OutboxStore {
  /** The entry for this key, created as `sending` when there is none yet; concurrent claims get the same entry. */
  claim(entry: Omit<OutboxEntry, 'status'>): Promise<OutboxEntry>;
  /**
   * Records that the provider accepted the key's message. `providerMessageId` replaces the
   * recorded Message-ID when the provider names the message itself (SendGrid's `X-Message-Id`),
   * so that a replayed key answers with the id the first call returned.
   */
  markSent(idempotencyKey: string, providerMessageId?: string): Promise<void>;
}

/** `<first 32 hex of sha256(key)@domain>`: the same key always yields the same Message-ID. */
export function messageIdFor(idempotencyKey: string, domain: string): string {
  return `<${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}@${domain}>`;
}

/** The domain of a From header (`Shop <no-reply@shop.example>` → `shop.example`), for Message-IDs. */
export function senderDomain(from: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from.trim());
  return match?.[1]?.toLowerCase() ?? 'junction.local';
}
