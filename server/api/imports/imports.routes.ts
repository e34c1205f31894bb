import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Config } from '../../../config';
import type { Models } from '../../db/models';
import { createBacklogCheck } from '../../intake/backlog-check';
import { BACKLOG_RETRY_AFTER_SECONDS, type EventIntake } from '../../intake/event-intake';
import { parseEventPath } from '../../intake/event-path';
import type { ConfiguredPath, EventSource } from '../../intake/event-source';
import { createEventImporter } from '../../imports/event-importer';
import { IMPORT_FAILURE_STATUS, type ImportFailure } from '../../imports/import-failure';
import { DEFAULT_IMPORT_LIMITS, type ImportLimits } from '../../imports/import-limits';
import { createImportRepository } from '../../imports/import-repository';
import type { ImportFormat } from '../../imports/import-rows';
import { createImportsService, type ImportsService } from '../../imports/imports.service';
import { actorOf } from '../auth/principal';
import { AppError } from '../../errors/app-error';
import type { ApiKeysService } from '../../auth/api-keys.service';
import { auditAs, auditMutations, setAuditTarget } from '../middleware/audit';
import { authorizeRuns, principalOf, processFilter, requireProcess } from '../middleware/authorize';
import { sendProblem } from '../middleware/error-handler';
import { validate } from '../validate';
import {
  importIdSchema,
  listImportsQuerySchema,
  listRejectionsQuerySchema,
  startImportQuerySchema,
} from './imports.schemas';

export const IMPORTS_ROUTE = '/v1/imports';

const CSV_TYPES = ['text/csv'];
const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines'];

export interface ImportUploadDeps {
  intake: EventIntake;
  config: Config;
  models: Models;
  keys: ApiKeysService;
  /** What /v1 does to every request before its routes (identify the caller, rate limit): the upload is routed outside /v1. */
  callerChecks: readonly RequestHandler[];
  limits?: Partial<ImportLimits>;
}

const unsupported = (detail: string) =>
  new AppError({ code: 'unsupported-media-type', status: 415, title: 'Unsupported Media Type', detail });

function formatOf(req: Request): ImportFormat {
  const encoding = req.get('content-encoding');
  if (encoding && encoding.toLowerCase() !== 'identity')
    throw unsupported(`Content-Encoding ${encoding} is not supported: send the file uncompressed.`);
  const kind = req.get('content-length') === '0' ? null : req.is([...CSV_TYPES, ...NDJSON_TYPES]);
  if (kind === null)
    throw new AppError({
      code: 'missing-file',
      status: 400,
      title: 'Bad Request',
      detail: 'Send the file as the request body (Content-Type text/csv or application/x-ndjson).',
    });
  if (kind === false)
    throw unsupported(
      `The file must be sent as ${CSV_TYPES[0]} or ${NDJSON_TYPES[0]} (also ${NDJSON_TYPES.slice(1).join(', ')}).`,
    );
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.get('content-type') ?? '')?.[1];
  if (charset && !/^utf-?8$/i.test(charset)) throw unsupported(`The file must be UTF-8, not ${charset}.`);
  return CSV_TYPES.includes(kind) ? 'csv' : 'ndjson';
}

/** Where rows carry their event id: the path asked for, or the source's own; a source whose id is a header needs one. */
function eventIdPathOf(source: EventSource, text: string | undefined): ConfiguredPath | null {
  if (text === undefined) {
    if (source.eventId.kind === 'header') {
      throw AppError.validation(
        `Source "${source.name}" takes its event id from the ${source.eventId.header} header, which rows do not have.`,
        [
          {
            field: 'eventIdPath',
            message: "is required for this source: name the column or field holding each row's event id",
          },
        ],
      );
    }
    return null;
  }
  try {
    const segments = parseEventPath(text);
    if (segments.length > 0) return { text, segments };
  } catch {
    // Answered below with the same 400.
  }
  throw AppError.validation('The query is invalid.', [
    { field: 'eventIdPath', message: 'must be a path to a field, e.g. eventId or meta.id' },
  ]);
}

function refuseWithImport(req: Request, res: Response, failure: ImportFailure, report: unknown): void {
  if (res.destroyed) return;
  const status = IMPORT_FAILURE_STATUS[failure.code];
  const error = new AppError({
    code: `import-${failure.code}`,
    status,
    title: status === 413 ? 'Content Too Large' : status === 429 ? 'Too Many Requests' : 'Bad Request',
    detail: failure.detail,
    ...(status === 429 ? { headers: { 'Retry-After': String(BACKLOG_RETRY_AFTER_SECONDS) } } : {}),
  });
  sendProblem(req, res, error, { import: report });
}

/**
 * POST /v1/imports: a file of events, streamed. Routed before the API's request timeout, which
 * would cut a large import off: the import is bounded by its own limits (size, backlog wait) and
 * by the HTTP server's request timeout for receiving the body.
 */
export function importUploadRouter(deps: ImportUploadDeps): Router {
  const { intake, config, models, keys } = deps;
  const limits: ImportLimits = { ...DEFAULT_IMPORT_LIMITS, ...deps.limits };
  const repository = createImportRepository(models);
  const service = createImportsService(repository);
  // Read before every batch, not cached for a second as for webhooks: an import stores thousands of rows a second, and overshoots the limit by one batch at most.
  const backlog = createBacklogCheck(intake.inbox, config.intake.backlogLimit, 0);
  const importer = createEventImporter({
    inbox: intake.inbox,
    producer: intake.producer,
    preparation: intake.preparation,
    backlog,
    imports: repository,
    limits,
  });
  const router = Router();

  // Until the body has been read, an answer closes the connection: the rest of a large file is not worth draining.
  const closeUnlessRead: RequestHandler = (_req, res, next) => {
    res.setHeader('Connection', 'close');
    next();
  };

  router.post(
    IMPORTS_ROUTE,
    closeUnlessRead,
    auditMutations(models.AuditEntry),
    auditAs('imports.create'),
    ...deps.callerChecks,
    authorizeRuns(keys, 'runs:write'),
    async (req, res) => {
      const query = validate(startImportQuerySchema, req.query, 'query');
      const source = intake.receiver.source(query.source);
      if (!source)
        throw AppError.validation('The query is invalid.', [
          { field: 'source', message: 'is not a configured event source (config/event-sources.yaml)' },
        ]);
      // Every row becomes a run (or a message) of the source's process.
      requireProcess(principalOf(res), 'runs:write', source.mapping.process.type);
      const format = formatOf(req);
      const declared = Number(req.get('content-length') ?? Number.NaN);
      if (declared > limits.maxBytes) {
        throw new AppError({
          code: 'payload-too-large',
          status: 413,
          title: 'Content Too Large',
          detail: `The file (${declared} bytes) is larger than the import limit of ${limits.maxBytes} bytes; split it into smaller files.`,
        });
      }
      const eventIdPath = eventIdPathOf(source, query.eventIdPath);
      if (await backlog.isFull()) {
        throw new AppError({
          code: 'backlog-full',
          status: 429,
          title: 'Too Many Requests',
          detail: `The intake has ${backlog.limit} or more events waiting for delivery; retry the import later.`,
          headers: { 'Retry-After': String(BACKLOG_RETRY_AFTER_SECONDS) },
        });
      }

      const outcome = await importer.run(
        { source, eventIdPath, format, body: req, actor: actorOf(res.locals.principal) },
        (record) => setAuditTarget(res, record.id, { source: source.name, format }),
      );
      const report = await service.detail(outcome.importId);
      setAuditTarget(res, report.id, { status: report.status, ...report.counts });
      if (outcome.failure) return refuseWithImport(req, res, outcome.failure, report);
      res.removeHeader('Connection');
      res.status(202).location(report.links.self).json(report);
    },
  );

  return router;
}

export interface ImportsRoutesDeps {
  models: Models;
  keys: ApiKeysService;
  /** The configured event sources: an import is read with the read scope of its source's process. */
  sources: readonly EventSource[];
}

/**
 * GET /v1/imports, /v1/imports/:id and its rejections. Rows hold business data of the process the
 * source feeds, so reading needs `runs:read` for that process (`runs:read:<type>` or unlimited);
 * a key limited to processes lists only the imports of its processes' sources.
 */
export function importsRouter({ models, keys, sources }: ImportsRoutesDeps): Router {
  const imports: ImportsService = createImportsService(createImportRepository(models));
  const processOf = new Map(sources.map((source) => [source.name, source.mapping.process.type]));
  const router = Router();
  const read = authorizeRuns(keys, 'runs:read');
  /** The import's report, once the caller may read its source's process (a source no longer configured: the unlimited scope). */
  const readableDetail = async (res: Response, id: string) => {
    const detail = await imports.detail(id);
    requireProcess(principalOf(res), 'runs:read', processOf.get(detail.source) ?? null);
    return detail;
  };

  router.get('/imports', read, async (req, res) => {
    const page = await imports.list(validate(listImportsQuerySchema, req.query, 'query'));
    // Filtered after paging: a page may come back shorter than pageSize; its token still pages on.
    const readable = processFilter(principalOf(res), 'runs:read');
    res.json({ ...page, items: page.items.filter((item) => readable(processOf.get(item.source))) });
  });

  router.get('/imports/:id', read, async (req, res) => {
    const id = validate(importIdSchema, req.params.id, 'import id', 'id');
    res.json(await readableDetail(res, id));
  });

  router.get('/imports/:id/rejections', read, async (req, res) => {
    const id = validate(importIdSchema, req.params.id, 'import id', 'id');
    await readableDetail(res, id);
    res.json(await imports.rejections(id, validate(listRejectionsQuerySchema, req.query, 'query')));
  });

  return router;
}
