/**
 * event_inbox: the durable record of every accepted event and the only source of truth about its
 * delivery. Redis (BullMQ) only says what to work on next; losing it loses no event, because the
 * sweeper re-enqueues what stayed pending here. Status changes are conditional on the row still
 * being pending, so two consumers that raced on one row cannot both record an outcome.
 */
import { Op, UniqueConstraintError, type InferAttributes, type WhereOptions } from 'sequelize';
import type { InboxEvent, InboxStatus } from '../db/models/inbox-event.model';

export interface InboxRecord {
  id: string;
  source: string;
  eventId: string;
  status: InboxStatus;
  attempts: number;
  workflowType: string | null;
  workflowId: string | null;
  businessKey: string | null;
  runId: string | null;
  outcome: string | null;
  lastError: string | null;
  deadReason: string | null;
  nextAttemptAt: Date | null;
  importId: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** The stored DeliveryCommand, unparsed (parseDeliveryCommand checks it). */
  command: unknown;
  payload: unknown;
}

export interface NewInboxEvent {
  source: string;
  eventId: string;
  payload: unknown;
  workflowType: string;
  workflowId: string;
  businessKey: string;
  command: unknown;
  importId?: string | null;
}

export interface DeadLetterFilter {
  source?: string;
  reason?: string;
}

/** Errors are cut to this many characters: a message is for people, a stack trace belongs in the log. */
const MAX_ERROR_LENGTH = 2_000;

function toRecord(row: InboxEvent): InboxRecord {
  const json = (value: unknown) => (typeof value === 'string' ? (JSON.parse(value) as unknown) : value);
  return {
    id: String(row.id),
    source: row.source,
    eventId: row.eventId,
    status: row.status,
    attempts: row.attempts,
    workflowType: row.workflowType ?? null,
    workflowId: row.workflowId,
    businessKey: row.businessKey ?? null,
    runId: row.runId ?? null,
    outcome: row.outcome ?? null,
    lastError: row.lastError,
    deadReason: row.deadReason ?? null,
    nextAttemptAt: row.nextAttemptAt ?? null,
    importId: row.importId ?? null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    command: json(row.command),
    payload: json(row.payload),
  };
}

const cut = (message: string) =>
  message.length > MAX_ERROR_LENGTH ? `${message.slice(0, MAX_ERROR_LENGTH - 1)}…` : message;

export type InboxRepository = ReturnType<typeof createInboxRepository>;

export function createInboxRepository(model: typeof InboxEvent) {
  async function find(source: string, eventId: string): Promise<InboxRecord | null> {
    const row = await model.findOne({ where: { source, eventId } });
    return row ? toRecord(row) : null;
  }

  /** Updates a pending row; false when it was no longer pending (another consumer, or a replay, got there first). */
  async function updatePending(id: string, changes: Partial<InferAttributes<InboxEvent>>): Promise<boolean> {
    const [count] = await model.update(changes, { where: { id, status: 'pending' } });
    return count > 0;
  }

  const deadWhere = (filter: DeadLetterFilter): WhereOptions => ({
    status: 'dead',
    ...(filter.source ? { source: filter.source } : {}),
    ...(filter.reason ? { deadReason: filter.reason } : {}),
  });

  return {
    find,

    async get(id: string): Promise<InboxRecord | null> {
      if (!/^\d{1,20}$/.test(id)) return null;
      const row = await model.findByPk(id);
      return row ? toRecord(row) : null;
    },

    /**
     * Records a new event as pending, due now. An event already recorded (a concurrent duplicate
     * delivery won the insert) is returned with created: false, and nothing is written.
     */
    async insert(event: NewInboxEvent, now: Date): Promise<{ record: InboxRecord; created: boolean }> {
      try {
        const row = await model.create({
          ...event,
          importId: event.importId ?? null,
          status: 'pending',
          attempts: 0,
          lastError: null,
          nextAttemptAt: now,
        });
        return { record: toRecord(row), created: true };
      } catch (error) {
        if (!(error instanceof UniqueConstraintError)) throw error;
        const existing = await find(event.source, event.eventId);
        if (!existing) throw error;
        return { record: existing, created: false };
      }
    },

    /** Which of these event ids of the source are recorded already (an import's duplicate check: one query per batch). */
    async knownEventIds(source: string, eventIds: readonly string[]): Promise<Set<string>> {
      if (eventIds.length === 0) return new Set();
      const rows = await model.findAll({ attributes: ['eventId'], where: { source, eventId: eventIds as string[] } });
      return new Set(rows.map((row) => row.eventId));
    },

    /**
     * Records new events of one source (an import's rows) as pending, due now, in one statement:
     * all or none. Null when one of them is recorded already (a concurrent delivery won): nothing
     * was written, and the caller inserts them one by one, as insert() tells the new from the known.
     */
    async insertAll(
      source: string,
      events: readonly NewInboxEvent[],
      now: Date,
    ): Promise<{ id: string; eventId: string }[] | null> {
      if (events.some((event) => event.source !== source))
        throw new Error('insertAll: every event must be of the one source');
      if (events.length === 0) return [];
      try {
        await model.bulkCreate(
          events.map((event) => ({
            ...event,
            importId: event.importId ?? null,
            status: 'pending' as const,
            attempts: 0,
            lastError: null,
            nextAttemptAt: now,
          })),
        );
      } catch (error) {
        if (error instanceof UniqueConstraintError) return null;
        throw error;
      }
      // Read back rather than trust consecutive auto-increment ids, which concurrent inserts may interleave.
      const rows = await model.findAll({
        attributes: ['id', 'eventId'],
        where: { source, eventId: events.map((event) => event.eventId) },
      });
      return rows.map((row) => ({ id: String(row.id), eventId: row.eventId }));
    },

    markDone(id: string, outcome: { attempts: number; runId: string | null; outcome: string }): Promise<boolean> {
      return updatePending(id, {
        status: 'done',
        attempts: outcome.attempts,
        runId: outcome.runId,
        outcome: outcome.outcome,
        lastError: null,
        nextAttemptAt: null,
      });
    },

    scheduleRetry(id: string, retry: { attempts: number; error: string; nextAttemptAt: Date }): Promise<boolean> {
      return updatePending(id, {
        attempts: retry.attempts,
        lastError: cut(retry.error),
        nextAttemptAt: retry.nextAttemptAt,
      });
    },

    markDead(id: string, dead: { attempts: number; reason: string; error: string }): Promise<boolean> {
      return updatePending(id, {
        status: 'dead',
        attempts: dead.attempts,
        deadReason: dead.reason,
        lastError: cut(dead.error),
        nextAttemptAt: null,
      });
    },

    /** Pending rows due before `before`, oldest due first: what the sweeper makes sure has a job. */
    async overduePending(before: Date, limit: number): Promise<string[]> {
      const rows = await model.findAll({
        attributes: ['id'],
        where: { status: 'pending', nextAttemptAt: { [Op.lt]: before } },
        order: [['nextAttemptAt', 'ASC']],
        limit,
      });
      return rows.map((row) => String(row.id));
    },

    /** Moves rows' due time, so the sweeper looks at them again only once they are overdue anew. */
    async postpone(ids: readonly string[], nextAttemptAt: Date): Promise<void> {
      if (ids.length > 0) await model.update({ nextAttemptAt }, { where: { id: ids as string[], status: 'pending' } });
    },

    /** True when at least `count` events are pending; reads at most `count` index entries. */
    async pendingAtLeast(count: number): Promise<boolean> {
      const rows = await model.findAll({
        attributes: ['id'],
        where: { status: 'pending' },
        order: [['createdAt', 'ASC']],
        offset: count - 1,
        limit: 1,
      });
      return rows.length > 0;
    },

    pendingCount(): Promise<number> {
      return model.count({ where: { status: 'pending' } });
    },

    async oldestPendingSince(): Promise<Date | null> {
      const row = await model.findOne({
        attributes: ['createdAt'],
        where: { status: 'pending' },
        order: [['createdAt', 'ASC']],
      });
      return row?.createdAt ?? null;
    },

    deadCount(): Promise<number> {
      return model.count({ where: { status: 'dead' } });
    },

    /** Dead letters, newest first, after the row `beforeId` (the page token). */
    async listDead(filter: DeadLetterFilter & { beforeId?: string; limit: number }): Promise<InboxRecord[]> {
      const rows = await model.findAll({
        attributes: { exclude: ['payload', 'command'] },
        where: { ...deadWhere(filter), ...(filter.beforeId ? { id: { [Op.lt]: filter.beforeId } } : {}) },
        order: [['id', 'DESC']],
        limit: filter.limit,
      });
      return rows.map(toRecord);
    },

    async deadIds(filter: DeadLetterFilter, limit: number): Promise<string[]> {
      const rows = await model.findAll({ attributes: ['id'], where: deadWhere(filter), order: [['id', 'ASC']], limit });
      return rows.map((row) => String(row.id));
    },

    /**
     * Dead letters back to pending with a fresh attempt budget, due now; returns the ids that were
     * dead (a row replayed twice at once is revived once). The last error stays until the next attempt.
     */
    async revive(ids: readonly string[], now: Date): Promise<string[]> {
      if (ids.length === 0) return [];
      return model.sequelize!.transaction(async (transaction) => {
        const rows = await model.findAll({
          attributes: ['id'],
          where: { id: ids as string[], status: 'dead' },
          lock: transaction.LOCK.UPDATE,
          transaction,
        });
        const revived = rows.map((row) => String(row.id));
        if (revived.length > 0) {
          await model.update(
            { status: 'pending', attempts: 0, deadReason: null, nextAttemptAt: now },
            { where: { id: revived, status: 'dead' }, transaction },
          );
        }
        return revived;
      });
    },
  };
}
