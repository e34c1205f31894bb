/**
 * One batch of an import's rows onto the webhook path: the same duplicate check, mapping and
 * input-schema validation as POST /v1/events (mapEvent), the same inbox rows (with the import's
 * id) and the same delivery jobs; only the writes are batched. In the receiver's order: a row
 * whose event id is known is a duplicate (whatever else it holds), then the row is mapped and
 * validated, then stored with what the process receives as its event (imported-event.ts). A
 * rejected row writes nothing.
 */
import { AppError } from '../errors/app-error';
import { getLogger } from '../../logging/logger';
import { mapEvent, type InputPreparation } from '../intake/event-mapping';
import type { EventSource } from '../intake/event-source';
import type { InboxRepository, NewInboxEvent } from '../intake/inbox-repository';
import type { IntakeProducer } from '../intake/intake-queue';
import { importedEventOf } from './imported-event';
import type { RejectionRecord } from './import-repository';

export interface PendingRow {
  line: number;
  event: unknown;
  eventId: string;
}

export interface BatchResult {
  accepted: number;
  duplicates: number;
  rejections: RejectionRecord[];
}

export interface BatchDeps {
  inbox: InboxRepository;
  producer: IntakeProducer;
  preparation: InputPreparation;
  source: EventSource;
  importId: string;
  /** Resolves once the intake's backlog has room; throws when it waited too long. */
  waitForBacklog(): Promise<void>;
  enqueueTimeoutMs: number;
}

/** A 400 of the mapping becomes the row's rejection; anything else is not the row's fault. */
export function rejectionOf(
  error: unknown,
  line: number,
  code: RejectionRecord['code'],
  eventId: string | null,
): RejectionRecord {
  if (!(error instanceof AppError) || error.status !== 400) throw error;
  return { line, code, message: error.detail, errors: error.errors ? [...error.errors] : null, eventId };
}

/** Best effort, as for webhooks: the rows are durable already, and the sweeper enqueues what Redis did not take. */
async function enqueue(deps: BatchDeps, inboxIds: string[]): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Redis did not take the jobs within ${deps.enqueueTimeoutMs} ms`)),
      deps.enqueueTimeoutMs,
    );
  });
  try {
    await Promise.race([deps.producer.enqueueMany(inboxIds), timeout]);
  } catch (error) {
    getLogger().warn('imported rows accepted but not enqueued; the sweeper will enqueue them', {
      importId: deps.importId,
      rows: inboxIds.length,
      error: (error as Error).message,
    });
  } finally {
    clearTimeout(timer);
  }
}

export async function storeBatch(deps: BatchDeps, rows: readonly PendingRow[]): Promise<BatchResult> {
  const { inbox, source } = deps;
  const result: BatchResult = { accepted: 0, duplicates: 0, rejections: [] };
  const known = await inbox.knownEventIds(
    source.name,
    rows.map((row) => row.eventId),
  );
  const fresh: NewInboxEvent[] = [];
  for (const row of rows) {
    // A repeat within the file is a duplicate of its first occurrence, as a repeated webhook is.
    if (known.has(row.eventId)) {
      result.duplicates += 1;
      continue;
    }
    known.add(row.eventId);
    try {
      const mapped = mapEvent(source, row.event, row.eventId, deps.preparation);
      fresh.push({
        source: source.name,
        eventId: row.eventId,
        // Not the parsed row: what the process receives (imported-event.ts).
        payload: importedEventOf(source, mapped.command),
        workflowType: mapped.command.workflowType,
        workflowId: mapped.command.workflowId,
        businessKey: mapped.businessKey,
        command: mapped.command,
        importId: deps.importId,
      });
    } catch (error) {
      result.rejections.push(rejectionOf(error, row.line, 'invalid-row', row.eventId));
    }
  }
  if (fresh.length === 0) return result;

  await deps.waitForBacklog();
  const now = new Date();
  let created = await inbox.insertAll(source.name, fresh, now);
  if (created === null) {
    // A webhook (or another import) recorded one of these meanwhile: one by one, insert tells which.
    created = [];
    for (const event of fresh) {
      const outcome = await inbox.insert(event, now);
      if (outcome.created) created.push({ id: outcome.record.id, eventId: event.eventId });
    }
  }
  result.accepted = created.length;
  result.duplicates += fresh.length - created.length;
  await enqueue(
    deps,
    created.map((row) => row.id),
  );
  return result;
}
