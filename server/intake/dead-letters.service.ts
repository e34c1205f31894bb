/**
 * Dead letters: inbox rows the intake gave up on (attempts used up, or a refusal no retry cures).
 * They stay in the inbox with their reason and last error until replayed: a replay gives the row a
 * fresh attempt budget and a job, and the consumer delivers it like a new event (the workflow id
 * still dedups starts, so a replay never starts a second run).
 */
import { AppError } from '../errors/app-error';
import type { DeadLetterFilter, InboxRecord, InboxRepository } from './inbox-repository';
import type { IntakeProducer } from './intake-queue';

export interface DeadLetterView {
  id: string;
  source: string;
  eventId: string;
  workflowType: string | null;
  workflowId: string | null;
  businessKey: string | null;
  attempts: number;
  reason: string | null;
  lastError: string | null;
  receivedAt: string;
  deadAt: string;
  importId: string | null;
}

export interface DeadLetterDetail extends DeadLetterView {
  /** The event as received. */
  event: unknown;
}

export interface DeadLettersPage {
  items: DeadLetterView[];
  nextPageToken: string | null;
}

export interface ReplayResult {
  replayed: number;
  ids: string[];
}

function viewOf(record: InboxRecord): DeadLetterView {
  return {
    id: record.id,
    source: record.source,
    eventId: record.eventId,
    workflowType: record.workflowType,
    workflowId: record.workflowId,
    businessKey: record.businessKey,
    attempts: record.attempts,
    reason: record.deadReason,
    lastError: record.lastError,
    receivedAt: record.createdAt.toISOString(),
    deadAt: record.updatedAt.toISOString(),
    importId: record.importId,
  };
}

export type DeadLettersService = ReturnType<typeof createDeadLettersService>;

export function createDeadLettersService(deps: { inbox: InboxRepository; producer: IntakeProducer }) {
  const { inbox, producer } = deps;

  /** Revived rows get their jobs now; one that Redis does not take is enqueued by the sweeper, as for new events. */
  async function requeue(ids: readonly string[]): Promise<void> {
    for (const id of ids) await producer.ensureJob(id).catch(() => null);
  }

  async function deadOrThrow(id: string): Promise<InboxRecord> {
    const record = await inbox.get(id);
    if (!record) throw AppError.notFound(`No inbox event with id "${id}".`, 'dead-letter-not-found');
    if (record.status !== 'dead')
      throw AppError.conflict(`Inbox event ${id} is ${record.status}, not a dead letter.`, 'not-a-dead-letter');
    return record;
  }

  return {
    async list(filter: DeadLetterFilter & { pageSize: number; pageToken?: string }): Promise<DeadLettersPage> {
      const records = await inbox.listDead({
        ...filter,
        ...(filter.pageToken ? { beforeId: filter.pageToken } : {}),
        limit: filter.pageSize,
      });
      const last = records.at(-1);
      return { items: records.map(viewOf), nextPageToken: records.length === filter.pageSize && last ? last.id : null };
    },

    async get(id: string): Promise<DeadLetterDetail> {
      const record = await deadOrThrow(id);
      return { ...viewOf(record), event: record.payload };
    },

    async replay(id: string): Promise<ReplayResult> {
      await deadOrThrow(id);
      const revived = await inbox.revive([id], new Date());
      // Replayed by a concurrent call between the read and the update: the same end state.
      await requeue(revived);
      return { replayed: revived.length, ids: revived };
    },

    /** Replays dead letters by id, or every one matching the filter, up to `limit`. */
    async replayMany(request: DeadLetterFilter & { ids?: string[]; limit: number }): Promise<ReplayResult> {
      const ids = request.ids ? request.ids.slice(0, request.limit) : await inbox.deadIds(request, request.limit);
      const revived = await inbox.revive(ids, new Date());
      await requeue(revived);
      return { replayed: revived.length, ids: revived };
    },
  };
}
