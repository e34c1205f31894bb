/**
 * Accepting one webhook event: the use-case behind POST /v1/events/:source. In order:
 * signature (401) → JSON (400 malformed-json) → event id (400) → duplicate? (200 with the first
 * delivery's state, nothing else done) → mapping and the process's schemas (400 naming the field)
 * → backlog (429) → inbox row (durable) → job → 202. Nothing is written for a refused event.
 */
import { ConnectionError } from 'sequelize';
import { AppError } from '../errors/app-error';
import { getLogger } from '../../logging/logger';
import type { BacklogCheck } from './backlog-check';
import type { EventSource } from './event-source';
import { eventIdOf, mapEvent, type InputPreparation } from './event-mapping';
import type { InboxRecord, InboxRepository } from './inbox-repository';
import type { IntakeProducer } from './intake-queue';

export interface EventReceipt {
  inboxId: string;
  source: string;
  eventId: string;
  status: InboxRecord['status'];
  workflowType: string | null;
  workflowId: string | null;
  runId: string | null;
  outcome: string | null;
}

export interface ReceivedEvent {
  receipt: EventReceipt;
  /** false: the event was already in the inbox, and this delivery changed nothing. */
  created: boolean;
}

export interface IncomingEvent {
  header(name: string): string | undefined;
  rawBody: Buffer;
}

export interface EventReceiverDeps {
  sources: readonly EventSource[];
  inbox: InboxRepository;
  producer: IntakeProducer;
  backlog: BacklogCheck;
  preparation: InputPreparation;
  /** Seconds a throttled sender is told to wait (Retry-After). */
  retryAfterSeconds: number;
  /** Longest the endpoint waits for Redis to take the job; the sweeper enqueues it later otherwise (default 2 s). */
  enqueueTimeoutMs?: number;
}

export interface EventReceiver {
  source(name: string): EventSource | undefined;
  receive(source: EventSource, event: IncomingEvent): Promise<ReceivedEvent>;
}

export function receiptOf(record: InboxRecord): EventReceipt {
  return {
    inboxId: record.id,
    source: record.source,
    eventId: record.eventId,
    status: record.status,
    workflowType: record.workflowType,
    workflowId: record.workflowId,
    runId: record.runId,
    outcome: record.outcome,
  };
}

function parseJson(rawBody: Buffer): unknown {
  try {
    return JSON.parse(rawBody.toString('utf8')) as unknown;
  } catch {
    throw new AppError({
      code: 'malformed-json',
      status: 400,
      title: 'Bad Request',
      detail: 'The request body is not valid JSON.',
    });
  }
}

export function createEventReceiver(deps: EventReceiverDeps): EventReceiver {
  const byName = new Map(deps.sources.map((source) => [source.name, source]));
  const enqueueTimeoutMs = deps.enqueueTimeoutMs ?? 2_000;

  /** Best effort: the row is durable already, and the sweeper enqueues whatever did not make it. */
  async function enqueue(inboxId: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Redis did not take the job within ${enqueueTimeoutMs} ms`)),
        enqueueTimeoutMs,
      );
    });
    try {
      await Promise.race([deps.producer.enqueue(inboxId), timeout]);
    } catch (error) {
      getLogger().warn('event accepted but not enqueued; the sweeper will enqueue it', {
        inboxId,
        error: (error as Error).message,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    source: (name) => byName.get(name),

    async receive(source, incoming) {
      try {
        return await receiveChecked(source, incoming);
      } catch (error) {
        // The sender retries a 503; an event is never answered 2xx unless its row is committed.
        if (error instanceof ConnectionError)
          throw AppError.unavailable('The inbox database is unreachable; retry later.', error);
        throw error;
      }
    },
  };

  async function receiveChecked(source: EventSource, incoming: IncomingEvent): Promise<ReceivedEvent> {
    const problem = source.verifier.verify({ header: incoming.header, rawBody: incoming.rawBody, now: new Date() });
    if (problem !== null)
      throw new AppError({ code: 'invalid-signature', status: 401, title: 'Unauthorized', detail: problem });
    const event = parseJson(incoming.rawBody);
    const eventId = eventIdOf(source, incoming.header, event);

    const known = await deps.inbox.find(source.name, eventId);
    if (known) return { receipt: receiptOf(known), created: false };

    const mapped = mapEvent(source, event, eventId, deps.preparation);
    if (await deps.backlog.isFull()) {
      throw new AppError({
        code: 'backlog-full',
        status: 429,
        title: 'Too Many Requests',
        detail: `The intake has ${deps.backlog.limit} or more events waiting for delivery; retry later.`,
        headers: { 'Retry-After': String(deps.retryAfterSeconds) },
      });
    }
    const { record, created } = await deps.inbox.insert(
      {
        source: source.name,
        eventId,
        payload: event,
        workflowType: mapped.command.workflowType,
        workflowId: mapped.command.workflowId,
        businessKey: mapped.businessKey,
        command: mapped.command,
      },
      new Date(),
    );
    if (created) await enqueue(record.id);
    return { receipt: receiptOf(record), created };
  }
}
