/**
 * The use-case behind POST /v1/imports: reads a file as it streams in and turns each row into an
 * event of one source, on the webhook path (import-batch.ts), in batches. The import is recorded
 * (imports) from its first moment and saves its counters every second: GET /v1/imports/:id shows
 * it progress. A row counts as accepted only once its inbox row is committed.
 *
 * Backpressure: before each batch is stored, the import waits while the intake's backlog is at
 * INTAKE_BACKLOG_LIMIT (reading pauses, and with it the upload); past limits.backlogWaitMs it
 * stops with backlog-full (429), saying how far it got. It never drops rows silently.
 */
import { ConnectionError } from 'sequelize';
import { AppError } from '../errors/app-error';
import type { ImportFormat } from '../db/models/event-import.model';
import type { BacklogCheck } from '../intake/backlog-check';
import { eventIdOf, type InputPreparation } from '../intake/event-mapping';
import type { ConfiguredPath, EventSource } from '../intake/event-source';
import type { InboxRepository } from '../intake/inbox-repository';
import type { IntakeProducer } from '../intake/intake-queue';
import { getLogger } from '../../logging/logger';
import { rejectionOf, storeBatch, type BatchDeps, type PendingRow } from './import-batch';
import { ImportFailure } from './import-failure';
import type { ImportLimits } from './import-limits';
import type { ImportCounts, ImportRecord, ImportRepository, RejectionRecord } from './import-repository';
import { readImportRows } from './import-rows';

export interface ImportRequest {
  source: EventSource;
  /** Where a row's event id is, when not where the source's events carry it (required for sources whose id is a header). */
  eventIdPath: ConfiguredPath | null;
  format: ImportFormat;
  body: AsyncIterable<Buffer | string>;
  /** Who asked (the audit actor string). */
  actor: string;
}

export interface ImportOutcome {
  importId: string;
  /** null when the whole file was read. */
  failure: ImportFailure | null;
}

export interface EventImporterDeps {
  inbox: InboxRepository;
  producer: IntakeProducer;
  preparation: InputPreparation;
  backlog: BacklogCheck;
  imports: ImportRepository;
  limits: ImportLimits;
}

export interface EventImporter {
  /** Records the import, reads it to the end (or to its failure), and says how it ended. */
  run(request: ImportRequest, started?: (record: ImportRecord) => void): Promise<ImportOutcome>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const noHeaders = () => undefined;

/** The source as rows see it: without headers, the event id must be in the row. */
export function rowSourceOf(source: EventSource, eventIdPath: ConfiguredPath | null): EventSource {
  return eventIdPath ? { ...source, eventId: { kind: 'path', path: eventIdPath } } : source;
}

export function createEventImporter(deps: EventImporterDeps): EventImporter {
  const { imports, limits } = deps;
  const log = getLogger();

  async function waitForBacklog(importId: string, counts: ImportCounts): Promise<void> {
    const since = Date.now();
    let logged = false;
    while (await deps.backlog.isFull()) {
      if (Date.now() - since >= limits.backlogWaitMs) {
        throw new ImportFailure(
          'backlog-full',
          `The intake has ${deps.backlog.limit} or more events waiting for delivery and did not drain within ${Math.round(limits.backlogWaitMs / 1000)} s; the import stopped with ${counts.accepted} rows accepted. Send the file again later: rows already accepted count as duplicates.`,
        );
      }
      if (!logged) log.info('import paused: the intake backlog is full', { importId, limit: deps.backlog.limit });
      logged = true;
      await sleep(Math.min(1_000, limits.backlogWaitMs));
    }
  }

  return {
    async run(request, started) {
      const source = rowSourceOf(request.source, request.eventIdPath);
      const record = await imports.create({ source: source.name, format: request.format, actor: request.actor });
      const importId = record.id;
      started?.(record);
      const counts: ImportCounts = { linesRead: 0, rowsRead: 0, accepted: 0, duplicates: 0, rejected: 0 };
      let kept = 0;
      let unsaved: RejectionRecord[] = [];
      const reject = (rejection: RejectionRecord) => {
        counts.rejected += 1;
        if (kept < limits.rejectionsKept) {
          kept += 1;
          unsaved.push(rejection);
        }
      };
      const saveRejections = async () => {
        const list = unsaved;
        unsaved = [];
        await imports.addRejections(importId, list);
      };

      // Progress, and the sign of life that keeps the import from being taken for interrupted.
      let saving: Promise<void> | null = null;
      const progress = setInterval(() => {
        saving ??= imports
          .saveProgress(importId, { ...counts })
          .catch((error: unknown) => {
            log.warn('import progress not saved', { importId, error: (error as Error).message });
          })
          .finally(() => {
            saving = null;
          });
      }, limits.progressEveryMs);

      const batchDeps: BatchDeps = {
        inbox: deps.inbox,
        producer: deps.producer,
        preparation: deps.preparation,
        source,
        importId,
        waitForBacklog: () => waitForBacklog(importId, counts),
        enqueueTimeoutMs: limits.enqueueTimeoutMs,
      };
      let batch: PendingRow[] = [];
      let batchBytes = 0;
      // One batch is stored while the next is read: the database's round trips overlap the parsing.
      let storing: Promise<void> = Promise.resolve();
      const storePending = async () => {
        await storing;
        const rows = batch;
        batch = [];
        batchBytes = 0;
        const stored = (rows.length > 0 ? storeBatch(batchDeps, rows) : Promise.resolve(null)).then(async (result) => {
          if (result) {
            counts.accepted += result.accepted;
            counts.duplicates += result.duplicates;
            result.rejections.forEach(reject);
          }
          if (unsaved.length > 0) await saveRejections();
        });
        // Its failure is awaited with the next batch (or at the end); until then it must not count as unhandled.
        stored.catch(() => undefined);
        storing = stored;
      };

      log.info('import started', { importId, source: source.name, format: request.format });
      let failure: ImportFailure | null = null;
      try {
        const maxRecordChars = request.source.bodyLimitBytes;
        for await (const row of readImportRows(request.body, {
          format: request.format,
          maxBytes: limits.maxBytes,
          maxRecordChars,
        })) {
          counts.rowsRead += 1;
          counts.linesRead = Math.max(counts.linesRead, row.line);
          if ('rejection' in row) {
            reject({ line: row.line, ...row.rejection, errors: row.rejection.errors ?? null, eventId: null });
          } else {
            try {
              batch.push({ line: row.line, event: row.event, eventId: eventIdOf(source, noHeaders, row.event) });
              batchBytes += row.bytes;
            } catch (error) {
              reject(rejectionOf(error, row.line, 'missing-event-id', null));
            }
          }
          if (batch.length >= limits.batchRows || batchBytes >= limits.batchBytes || unsaved.length >= 100)
            await storePending();
        }
        await storePending();
        await storing;
      } catch (error) {
        // A batch may still be in flight when reading failed: the counts must include it before they are final.
        await storing.catch(() => undefined);
        if (!(error instanceof ImportFailure)) {
          await finish(
            new ImportFailure('interrupted', `The import stopped on an internal error: ${(error as Error).message}`),
          ).catch(() => undefined);
          if (error instanceof ConnectionError)
            throw AppError.unavailable(
              'The database is unreachable; the import stopped. Send the file again later: rows already accepted count as duplicates.',
              error,
            );
          throw error;
        }
        failure = error;
        await saveRejections().catch(() => undefined);
      }
      await finish(failure);
      return { importId, failure };

      async function finish(end: ImportFailure | null): Promise<void> {
        clearInterval(progress);
        await saving;
        await imports.finish(
          importId,
          counts,
          { failure: end ? { code: end.code, detail: end.detail } : null },
          new Date(),
        );
        log.info(end ? 'import failed' : 'import completed', {
          importId,
          source: source.name,
          ...counts,
          ...(end ? { failure: end.code } : {}),
        });
      }
    },
  };
}
