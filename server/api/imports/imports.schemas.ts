import { z } from 'zod';
import { sourceNameSchema } from '../events/events.schemas';
import { IMPORT_FAILURE_CODES } from '../../imports/import-failure';

export const importIdSchema = z
  .string()
  .regex(/^\d{1,20}$/, 'must be an import id (digits)')
  .meta({ example: '42' });

/** Query of POST /v1/imports. */
export const startImportQuerySchema = z.object({
  source: sourceNameSchema.meta({
    description:
      'The event source (config/event-sources.yaml) whose mapping each row goes through, as if the source had sent the row as a webhook event.',
  }),
  eventIdPath: z.string().min(1).max(200).optional().meta({
    description:
      "Where a row's event id is (a path: a CSV column, or a field of an NDJSON line), when not where the source's events carry it. Required for a source whose event id is a header.",
    example: 'eventId',
  }),
});

export const listImportsQuerySchema = z.object({
  status: z.enum(['running', 'completed', 'failed']).optional(),
  source: sourceNameSchema.optional(),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
  pageToken: importIdSchema.optional().meta({ description: 'The nextPageToken of the previous page.' }),
});

export const listRejectionsQuerySchema = z.object({
  pageSize: z.coerce.number().int().min(1).max(1000).default(100),
  pageToken: z
    .string()
    .regex(/^\d{1,10}$/, 'must be a nextPageToken returned by a previous page')
    .optional()
    .meta({ description: 'The nextPageToken of the previous page.' }),
});

export const rejectionSchema = z
  .object({
    line: z.number().int().meta({
      description: 'The line of the file where the rejected record starts (line 1 of a CSV file is its header).',
    }),
    code: z.enum(['malformed-line', 'invalid-row', 'missing-event-id']).meta({
      description:
        "malformed-line: not a CSV record with the header's columns, or not JSON; invalid-row: a cell not of its column's type, or the event does not fit the source's mapping or the process's input schema; missing-event-id: no event id where it is looked for.",
    }),
    message: z.string(),
    errors: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .nullable()
      .meta({ description: 'The offending fields, named by their path in the row (a CSV column name).' }),
    eventId: z.string().nullable(),
  })
  .meta({ id: 'ImportRejection' });

export const importSummarySchema = z
  .object({
    id: z.string(),
    source: z.string(),
    format: z.enum(['csv', 'ndjson']),
    status: z.enum(['running', 'completed', 'failed']).meta({
      description:
        'completed: the whole file was read and every accepted row is in the inbox (runs follow asynchronously); failed: see `failure`.',
    }),
    failure: z
      .object({ code: z.enum(IMPORT_FAILURE_CODES), detail: z.string() })
      .nullable()
      .meta({
        description:
          'Why the import stopped before the end of its file. Rows accepted until then stay accepted; sending the file again is safe (they count as duplicates).',
      }),
    counts: z.object({
      lines: z.number().int().meta({ description: 'The last line read.' }),
      rows: z.number().int().meta({ description: 'Records read (not the CSV header, nor empty lines).' }),
      accepted: z
        .number()
        .int()
        .meta({ description: 'New events stored in the inbox, each delivered to Temporal like a webhook event.' }),
      duplicates: z
        .number()
        .int()
        .meta({ description: 'Rows whose event id the source had sent before (or the file repeated): nothing done.' }),
      rejected: z.number().int(),
    }),
    actor: z.string().meta({ description: 'Who imported (API key name and prefix, or token subject).' }),
    startedAt: z.string(),
    updatedAt: z.string(),
    finishedAt: z.string().nullable(),
    links: z.object({ self: z.string(), rejections: z.string() }),
  })
  .meta({ id: 'ImportSummary' });

export const importDetailSchema = importSummarySchema
  .extend({
    delivery: z.object({ pending: z.number().int(), done: z.number().int(), dead: z.number().int() }).meta({
      description:
        "The accepted rows' inbox state: pending until Temporal took them, done, or dead letters (/v1/dead-letters).",
    }),
    rejections: z
      .array(rejectionSchema)
      .meta({ description: 'The first rejected lines (up to 100; all kept ones at `links.rejections`).' }),
    rejectionsKept: z
      .number()
      .int()
      .meta({ description: 'Rejected lines kept with their reasons (the first 1,000); `counts.rejected` counts all.' }),
  })
  .meta({ id: 'Import' });
