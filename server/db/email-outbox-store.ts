/** The email outbox of the SMTP and SendGrid connectors, kept in the email_outbox table. */
import { UniqueConstraintError } from 'sequelize';
import type { OutboxEntry, OutboxStore } from '../../connectors/email/email-outbox';
import type { EmailOutboxEntry } from './models';

function entryOf({ idempotencyKey, connector, messageId, status }: EmailOutboxEntry): OutboxEntry {
  return { idempotencyKey, connector, messageId, status };
}

export class SequelizeOutboxStore implements OutboxStore {
  constructor(private readonly rows: typeof EmailOutboxEntry) {}

  async claim(entry: Omit<OutboxEntry, 'status'>): Promise<OutboxEntry> {
    const existing = await this.rows.findByPk(entry.idempotencyKey);
    if (existing) return entryOf(existing);
    try {
      return entryOf(await this.rows.create({ ...entry, status: 'sending' }));
    } catch (error) {
      // A concurrent attempt with the same key created it first: use theirs.
      const winner = error instanceof UniqueConstraintError ? await this.rows.findByPk(entry.idempotencyKey) : null;
      if (!winner) throw error;
      return entryOf(winner);
    }
  }

  async markSent(idempotencyKey: string, providerMessageId?: string): Promise<void> {
    await this.rows.update(
      { status: 'sent', ...(providerMessageId === undefined ? {} : { messageId: providerMessageId }) },
      { where: { idempotencyKey } },
    );
  }
}
