/** OpenAPI description of /v1/imports: bulk intake of events from a CSV or NDJSON file. */
import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { authenticated } from '../openapi/operation';
import { errorResponses, jsonResponse, problemResponse } from '../openapi/problem.schema';
import {
  importDetailSchema,
  importIdSchema,
  importSummarySchema,
  listImportsQuerySchema,
  listRejectionsQuerySchema,
  rejectionSchema,
  startImportQuerySchema,
} from './imports.schemas';

const rejectionExample = {
  line: 7,
  code: 'invalid-row',
  message: 'The event is invalid for this source.',
  errors: [{ field: 'order.amount', message: 'Too small: expected number to be >0' }],
  eventId: 'evt-1006',
};

const summaryExample = {
  id: '42',
  source: 'shop-orders',
  format: 'csv',
  status: 'completed',
  failure: null,
  counts: { lines: 5001, rows: 5000, accepted: 4990, duplicates: 4, rejected: 6 },
  actor: 'ops (jk_3f9a)',
  startedAt: '2026-11-24T09:00:00.000Z',
  updatedAt: '2026-11-24T09:00:03.200Z',
  finishedAt: '2026-11-24T09:00:03.200Z',
  links: { self: '/v1/imports/42', rejections: '/v1/imports/42/rejections' },
};

const detailExample = {
  ...summaryExample,
  delivery: { pending: 4990, done: 0, dead: 0 },
  rejections: [rejectionExample],
  rejectionsKept: 6,
};

const fileSchema = z.string();

const idParams = z.object({ id: importIdSchema });

export const importsPaths: ZodOpenApiPathsObject = {
  '/v1/imports': {
    post: authenticated('runs:write', {
      operationId: 'startImport',
      tags: ['events'],
      summary: 'Import a file of events for a source: each row goes the way a webhook event of that source goes',
      description: [
        "Each row is an event of `source`: it is checked and mapped by the source's mapping and the process's input schema, written to the inbox with the import's id, and delivered to Temporal by the intake consumers, exactly as if the source had sent it to POST /v1/events/{source} (no signature: the API key vouches for the file). A row whose event id the source sent before, or that the file repeats, is a duplicate and does nothing.",
        "**CSV** (`text/csv`): a header row names each column by its path in the event (`orderId`, `customer.email`, `lines[0].sku`), with an optional type (`amount:number`, `gift:boolean`, `lines:json`; default string). An empty cell leaves its field out. **NDJSON** (`application/x-ndjson`): one JSON event per line. Empty lines are skipped; lines count from 1 (a CSV file's line 1 is its header).",
        "A record that is malformed (wrong number of cells, unbalanced quotes, not JSON), lacks its event id, or does not fit the mapping or input schema is rejected with its line and the offending fields, writes nothing, and the import goes on. So is a row whose input chooses infrastructure (a `connectors.payment` column: the catalog's `infrastructureFields`) unless the source sets `allowInfrastructureFields`.",
        "Needs the right to start the source's process: `runs:write` or `runs:write:<type>` (403 naming the scope, before the file is read). Reading imports needs `runs:read` for every process.",
        "The answer comes once the whole file has been read and every accepted row is durable in the inbox: 202 with the report (runs follow asynchronously; `delivery` and GET /v1/imports/{id} show them). Files up to 200 MiB; a record may be as long as the source's bodyLimit.",
        'Backpressure: while INTAKE_BACKLOG_LIMIT events wait for delivery, the import pauses (and with it the upload). At the limit when the import starts: 429, nothing written. Still full after 60 s of pausing: 429 `import-backlog-full` with the report so far. Any import that stops early (413 `import-too-large` past the limit without a Content-Length, 400 `import-invalid-header`, `import-line-too-long`, `import-malformed-file`) answers the problem with its report in `import`: the rows accepted until then stay accepted, and sending the file again is safe.',
      ].join('\n\n'),
      requestParams: { query: startImportQuerySchema },
      requestBody: {
        required: true,
        description: 'The file, streamed as the request body (never held in memory whole).',
        content: {
          'text/csv': {
            schema: fileSchema,
            example: 'eventId,order.key,order.amount:number,kind\nevt-1001,1001,250,created\n',
          },
          'application/x-ndjson': {
            schema: fileSchema,
            example: '{"eventId":"evt-1001","order":{"key":"1001","amount":250},"kind":"created"}\n',
          },
        },
      },
      responses: {
        '202': {
          ...jsonResponse(
            'The whole file was read; accepted rows are durable in the inbox and are being delivered.',
            importDetailSchema,
            detailExample,
          ),
          headers: z.object({ location: z.string() }),
        },
        '400': problemResponse(
          'Invalid query (unknown source, bad eventIdPath), no file, or an import that stopped on its file (`import-invalid-header`, `import-line-too-long`, `import-malformed-file`; the report is in `import`).',
        ),
        '413': problemResponse(
          'The file is larger than the import limit: by Content-Length before anything is read (`payload-too-large`), or once the stream passed it (`import-too-large`, the report is in `import`).',
        ),
        '415': problemResponse('Not text/csv or application/x-ndjson (or compressed, or not UTF-8).'),
        '429': problemResponse(
          "The intake's backlog is full (`backlog-full`: nothing written; `import-backlog-full`: the import paused too long, the report is in `import`), or the caller's rate limit. Retry after `Retry-After` seconds.",
        ),
      },
    }),
    get: authenticated('runs:read', {
      operationId: 'listImports',
      tags: ['events'],
      summary: 'List imports, newest first',
      description:
        'A running import whose process died is shown as failed (`interrupted`) once it has not moved for two minutes.',
      requestParams: { query: listImportsQuerySchema },
      responses: {
        '200': jsonResponse(
          'One page of imports.',
          z.object({ items: z.array(importSummarySchema), nextPageToken: z.string().nullable() }),
          { items: [summaryExample], nextPageToken: null },
        ),
        ...errorResponses(400),
      },
    }),
  },
  '/v1/imports/{id}': {
    get: authenticated('runs:read', {
      operationId: 'getImport',
      tags: ['events'],
      summary: "An import's progress (while it runs) or report, and how its rows are being delivered",
      requestParams: { path: idParams },
      responses: {
        '200': jsonResponse('The import.', importDetailSchema, detailExample),
        ...errorResponses(400, 404),
      },
    }),
  },
  '/v1/imports/{id}/rejections': {
    get: authenticated('runs:read', {
      operationId: 'listImportRejections',
      tags: ['events'],
      summary: 'The rejected lines an import kept (the first 1,000), in line order',
      requestParams: { path: idParams, query: listRejectionsQuerySchema },
      responses: {
        '200': jsonResponse(
          'One page of rejected lines.',
          z.object({ items: z.array(rejectionSchema), nextPageToken: z.string().nullable() }),
          { items: [rejectionExample], nextPageToken: null },
        ),
        ...errorResponses(400, 404),
      },
    }),
  },
};
