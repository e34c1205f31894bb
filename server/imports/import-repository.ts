/**
 * imports and import_rejections: what each import read, accepted and rejected, and how it ended.
 * A running import saves its counters every second or so, which also shows it is alive: one
 * whose row has not moved for IMPORT_STALE_AFTER_MS died with its process, and is marked failed
 * (interrupted) the next time imports are read.
 */
import { fn, col, Op, type WhereOptions } from 'sequelize';
import type { Models } from '../db/models';
import type { EventImport, ImportFormat, ImportStatus } from '../db/models/event-import.model';
import type { FieldError } from '../errors/app-error';
import type { ImportFailureCode } from './import-failure';
import type { RejectionCode } from './import-rows';

/** Longer than any pause of a live import between saves (they come every second, and while it waits for the backlog). */
export const IMPORT_STALE_AFTER_MS = 120_000;
const MAX_MESSAGE_LENGTH = 1_000;

export interface ImportCounts {
  /** The last line read (a CSV file's line 1 is its header). */
  linesRead: number;
  /** Records read, header and empty lines aside. */
  rowsRead: number;
  accepted: number;
  duplicates: number;
  rejected: number;
}

export interface ImportRecord extends ImportCounts {
  id: string;
  source: string;
  format: ImportFormat;
  status: ImportStatus;
  failureCode: string | null;
  failureDetail: string | null;
  actor: string;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

export interface RejectionRecord {
  line: number;
  code: RejectionCode;
  message: string;
  errors: FieldError[] | null;
  eventId: string | null;
}

export interface ImportFilter {
  status?: ImportStatus;
  source?: string;
}

/** How the inbox rows of an import stand: pending until Temporal took them, done, or dead letters. */
export interface ImportDelivery {
  pending: number;
  done: number;
  dead: number;
}

const cut = (text: string) => (text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : text);

function toRecord(row: EventImport): ImportRecord {
  return {
    id: String(row.id),
    source: row.source,
    format: row.format,
    status: row.status,
    failureCode: row.failureCode ?? null,
    failureDetail: row.failureDetail ?? null,
    actor: row.actor,
    linesRead: row.linesRead,
    rowsRead: row.rowsRead,
    accepted: row.accepted,
    duplicates: row.duplicates,
    rejected: row.rejected,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    finishedAt: row.finishedAt ?? null,
  };
}

const isId = (id: string) => /^\d{1,20}$/.test(id);

export type ImportRepository = ReturnType<typeof createImportRepository>;

export function createImportRepository(
  models: Pick<Models, 'EventImport' | 'ImportRejection' | 'InboxEvent'>,
  staleAfterMs = IMPORT_STALE_AFTER_MS,
) {
  const { EventImport: imports, ImportRejection: rejections, InboxEvent: inbox } = models;

  /** Running imports whose row stopped moving died with their process. */
  async function markInterrupted(now: Date): Promise<void> {
    await imports.update(
      {
        status: 'failed',
        failureCode: 'interrupted' satisfies ImportFailureCode,
        failureDetail: 'The import stopped without finishing (its API process ended or lost the database).',
        finishedAt: now,
      },
      { where: { status: 'running', updatedAt: { [Op.lt]: new Date(now.getTime() - staleAfterMs) } } },
    );
  }

  return {
    markInterrupted,

    async create(start: { source: string; format: ImportFormat; actor: string }): Promise<ImportRecord> {
      return toRecord(await imports.create({ ...start, status: 'running' }));
    },

    /** Progress of a running import; also its sign of life. */
    async saveProgress(id: string, counts: ImportCounts): Promise<void> {
      await imports.update({ ...counts }, { where: { id, status: 'running' } });
    },

    async finish(
      id: string,
      counts: ImportCounts,
      end: { failure: { code: ImportFailureCode; detail: string } | null },
      now: Date,
    ): Promise<void> {
      await imports.update(
        {
          ...counts,
          status: end.failure ? 'failed' : 'completed',
          failureCode: end.failure?.code ?? null,
          failureDetail: end.failure ? cut(end.failure.detail) : null,
          finishedAt: now,
        },
        { where: { id } },
      );
    },

    async addRejections(id: string, list: readonly RejectionRecord[]): Promise<void> {
      if (list.length === 0) return;
      await rejections.bulkCreate(
        list.map((rejection) => ({
          importId: Number(id),
          line: rejection.line,
          code: rejection.code,
          message: cut(rejection.message),
          errors: rejection.errors,
          eventId: rejection.eventId,
        })),
        { ignoreDuplicates: true },
      );
    },

    async get(id: string): Promise<ImportRecord | null> {
      if (!isId(id)) return null;
      await markInterrupted(new Date());
      const row = await imports.findByPk(id);
      return row ? toRecord(row) : null;
    },

    /** Newest first, after the import `beforeId` (the page token). */
    async list(filter: ImportFilter & { beforeId?: string; limit: number }): Promise<ImportRecord[]> {
      await markInterrupted(new Date());
      const where: WhereOptions = {
        ...(filter.status ? { status: filter.status } : {}),
        ...(filter.source ? { source: filter.source } : {}),
        ...(filter.beforeId ? { id: { [Op.lt]: filter.beforeId } } : {}),
      };
      const rows = await imports.findAll({ where, order: [['id', 'DESC']], limit: filter.limit });
      return rows.map(toRecord);
    },

    /** Kept rejections in line order, after line `afterLine` (the page token). */
    async rejections(id: string, page: { afterLine?: number; limit: number }): Promise<RejectionRecord[]> {
      const rows = await rejections.findAll({
        where: { importId: id, ...(page.afterLine === undefined ? {} : { line: { [Op.gt]: page.afterLine } }) },
        order: [['line', 'ASC']],
        limit: page.limit,
      });
      return rows.map((row) => ({
        line: row.line,
        code: row.code as RejectionCode,
        message: row.message,
        errors: typeof row.errors === 'string' ? (JSON.parse(row.errors) as FieldError[]) : row.errors,
        eventId: row.eventId,
      }));
    },

    async rejectionsKept(id: string): Promise<number> {
      return rejections.count({ where: { importId: id } });
    },

    async delivery(id: string): Promise<ImportDelivery> {
      const rows = (await inbox.findAll({
        attributes: ['status', [fn('COUNT', col('id')), 'count']],
        where: { importId: id },
        group: ['status'],
        raw: true,
      })) as unknown as { status: string; count: number | string }[];
      const delivery: ImportDelivery = { pending: 0, done: 0, dead: 0 };
      for (const row of rows)
        if (row.status in delivery) delivery[row.status as keyof ImportDelivery] = Number(row.count);
      return delivery;
    },
  };
}
