/** Reading imports for /v1/imports: their progress, report, rejected lines and how their rows are delivered. */
import { AppError, type FieldError } from '../errors/app-error';
import type { ImportFailureCode } from './import-failure';
import type {
  ImportDelivery,
  ImportFilter,
  ImportRecord,
  ImportRepository,
  RejectionRecord,
} from './import-repository';

/** Rejections shown in an import's report; the rest are a page away. */
const REPORT_REJECTIONS = 100;

export interface ImportSummaryView {
  id: string;
  source: string;
  format: ImportRecord['format'];
  status: ImportRecord['status'];
  failure: { code: ImportFailureCode; detail: string } | null;
  counts: { lines: number; rows: number; accepted: number; duplicates: number; rejected: number };
  actor: string;
  startedAt: string;
  updatedAt: string;
  finishedAt: string | null;
  links: { self: string; rejections: string };
}

export interface RejectionView {
  line: number;
  code: RejectionRecord['code'];
  message: string;
  errors: FieldError[] | null;
  eventId: string | null;
}

export interface ImportDetailView extends ImportSummaryView {
  delivery: ImportDelivery;
  rejections: RejectionView[];
  rejectionsKept: number;
}

export interface Page<T> {
  items: T[];
  nextPageToken: string | null;
}

export function summaryOf(record: ImportRecord): ImportSummaryView {
  const self = `/v1/imports/${record.id}`;
  return {
    id: record.id,
    source: record.source,
    format: record.format,
    status: record.status,
    failure: record.failureCode
      ? { code: record.failureCode as ImportFailureCode, detail: record.failureDetail ?? '' }
      : null,
    counts: {
      lines: record.linesRead,
      rows: record.rowsRead,
      accepted: record.accepted,
      duplicates: record.duplicates,
      rejected: record.rejected,
    },
    actor: record.actor,
    startedAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    finishedAt: record.finishedAt?.toISOString() ?? null,
    links: { self, rejections: `${self}/rejections` },
  };
}

const rejectionView = (rejection: RejectionRecord): RejectionView => ({ ...rejection });

export type ImportsService = ReturnType<typeof createImportsService>;

export function createImportsService(imports: ImportRepository) {
  async function recordOrThrow(id: string): Promise<ImportRecord> {
    const record = await imports.get(id);
    if (!record) throw AppError.notFound(`No import with id "${id}".`, 'import-not-found');
    return record;
  }

  return {
    async detail(id: string): Promise<ImportDetailView> {
      const record = await recordOrThrow(id);
      const [delivery, rejections, rejectionsKept] = await Promise.all([
        imports.delivery(id),
        imports.rejections(id, { limit: REPORT_REJECTIONS }),
        imports.rejectionsKept(id),
      ]);
      return { ...summaryOf(record), delivery, rejections: rejections.map(rejectionView), rejectionsKept };
    },

    async list(filter: ImportFilter & { pageSize: number; pageToken?: string }): Promise<Page<ImportSummaryView>> {
      const records = await imports.list({
        ...filter,
        ...(filter.pageToken ? { beforeId: filter.pageToken } : {}),
        limit: filter.pageSize,
      });
      const last = records.at(-1);
      return {
        items: records.map(summaryOf),
        nextPageToken: records.length === filter.pageSize && last ? last.id : null,
      };
    },

    async rejections(id: string, page: { pageSize: number; pageToken?: string }): Promise<Page<RejectionView>> {
      await recordOrThrow(id);
      const list = await imports.rejections(id, {
        limit: page.pageSize,
        ...(page.pageToken ? { afterLine: Number(page.pageToken) } : {}),
      });
      const last = list.at(-1);
      return {
        items: list.map(rejectionView),
        nextPageToken: list.length === page.pageSize && last ? String(last.line) : null,
      };
    },
  };
}
