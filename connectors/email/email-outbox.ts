/**
 * Exactly-once email for providers without idempotency of their own (SMTP, SendGrid): an outbox
 * row per idempotency key records the Message-ID before sending and `sent` after the provider
 * accepted. A crash between the two resends with the same Message-ID, which receivers can
 * deduplicate.
 */
import { createHash } from 'node:crypto';
import { UniqueConstraintError } from 'sequelize';
import type { EmailOutboxEntry, Models } from '../../server/db/models';

/** `<first 32 hex of sha256(key)@domain>`: the same key always yields the same Message-ID. */
export function messageIdFor(idempotencyKey: string, domain: string): string {
  return `<${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}@${domain}>`;
}

/** The domain of a From header (`Shop <no-reply@shop.example>` → `shop.example`), for Message-IDs. */
export function senderDomain(from: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from.trim());
  return match?.[1]?.toLowerCase() ?? 'junction.local';
}

/** The row for this key, created as `sending` when there is none yet. */
export async function claimOutboxEntry(
  models: Models,
  entry: { idempotencyKey: string; connector: string; messageId: string },
): Promise<EmailOutboxEntry> {
  const existing = await models.EmailOutboxEntry.findByPk(entry.idempotencyKey);
  if (existing) return existing;
  try {
    return await models.EmailOutboxEntry.create({ ...entry, status: 'sending' });
  } catch (error) {
    // A concurrent attempt with the same key created it first: use theirs.
    const winner =
      error instanceof UniqueConstraintError ? await models.EmailOutboxEntry.findByPk(entry.idempotencyKey) : null;
    if (!winner) throw error;
    return winner;
  }
}

/**
 * Records that the provider accepted the message. `providerMessageId` replaces the recorded
 * Message-ID when the provider names the message itself (SendGrid's `X-Message-Id`), so that a
 * replayed key answers with the id the first call returned.
 */
export async function markOutboxSent(entry: EmailOutboxEntry, providerMessageId?: string): Promise<void> {
  entry.status = 'sent';
  if (providerMessageId !== undefined) entry.messageId = providerMessageId;
  await entry.save();
}
