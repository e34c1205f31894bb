/**
 * Reads an import file as it streams in, one row at a time, never the whole file: each record
 * becomes an event, or a rejection naming its line. CSV and NDJSON go through the same streaming
 * parser (csv-parse), NDJSON configured as a plain line splitter (no quoting, and a delimiter,
 * U+0001, that JSON text cannot contain unescaped), so both formats number lines the same way,
 * skip a BOM, take \n and \r\n, and bound the size of one record.
 */
import { pipeline } from 'node:stream/promises';
import { CsvError, parse, type Info, type Options } from 'csv-parse';
import type { FieldError } from '../errors/app-error';
import { eventOfCsvRow, InvalidCsvHeaderError, parseCsvHeader, type CsvColumn } from './csv-columns';
import { ImportFailure } from './import-failure';

export type ImportFormat = 'csv' | 'ndjson';

export type RejectionCode = 'malformed-line' | 'invalid-row' | 'missing-event-id';

export interface RowRejection {
  code: RejectionCode;
  message: string;
  errors?: FieldError[];
  eventId?: string;
}

/** A record of the file: its first line, its size in bytes, and the event or why it has none. */
export type ImportRow =
  { line: number; bytes: number; event: unknown } | { line: number; bytes: number; rejection: RowRejection };

export interface ReadOptions {
  format: ImportFormat;
  /** The file may not be longer (413 once passed, whatever Content-Length said). */
  maxBytes: number;
  /** Longest record, in characters; a longer one fails the import, as the parser cannot tell where the next one starts. */
  maxRecordChars: number;
}

const NDJSON_DELIMITER = '\u0001';

/** What the parser's callbacks learn in parse order, before the consumer sees the records. */
interface ParsedRecord {
  cells: string[];
  line: number;
  bytes: number;
}

/** Errors csv-parse reports for one record and then goes on (skip_records_with_error). */
function describeSkip(error: CsvError): string {
  return error.message.replace(/\s+on line \d+$|\s+at line \d+$/, '');
}

/** The file's bytes, refused past the limit while they stream. */
function limitBytes(maxBytes: number) {
  return async function* (source: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
    let total = 0;
    for await (const chunk of source) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      total += bytes.length;
      if (total > maxBytes)
        throw new ImportFailure(
          'too-large',
          `The file is larger than the import limit of ${maxBytes} bytes; split it into smaller files.`,
        );
      yield bytes;
    }
  };
}

function parserOptions(options: ReadOptions): Options {
  const common: Options = {
    bom: true,
    record_delimiter: ['\r\n', '\n'],
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: options.maxRecordChars,
  };
  return options.format === 'csv'
    ? common
    : { ...common, quote: false, delimiter: NDJSON_DELIMITER, relax_column_count: true };
}

/**
 * The rows of the file in order. Throws ImportFailure for what ends the import: the file passes
 * maxBytes (too-large), a record passes maxRecordChars (line-too-long), the CSV header is invalid
 * (invalid-header), or the upload breaks off (interrupted).
 */
export async function* readImportRows(
  body: AsyncIterable<Buffer | string>,
  options: ReadOptions,
): AsyncGenerator<ImportRow> {
  // A record's first line: the line after the previous record, past the empty lines skipped since.
  let lastLine = 0;
  let lastEmptyLines = 0;
  let lastBytes = 0;
  const locate = (info: Pick<Info, 'lines' | 'empty_lines' | 'bytes'>) => {
    const line = lastLine + 1 + (info.empty_lines - lastEmptyLines);
    const bytes = info.bytes - lastBytes;
    lastLine = info.lines;
    lastEmptyLines = info.empty_lines;
    lastBytes = info.bytes;
    return { line, bytes };
  };
  const skipped: ImportRow[] = [];
  const parser = parse({
    ...parserOptions(options),
    // The typings have on_record return a record of the same type; csv-parse pushes whatever it returns.
    on_record: (cells: string[], info) => ({ cells, ...locate(info) }) satisfies ParsedRecord as unknown as string[],
    on_skip: (error) => {
      if (!error) return undefined;
      // A CsvError carries the parser's position as the records' info does (its fields are untyped).
      const { line, bytes } = locate({
        lines: Number(error.lines),
        empty_lines: Number(error.empty_lines),
        bytes: Number(error.bytes),
      });
      if (error.code === 'CSV_MAX_RECORD_SIZE') {
        throw new ImportFailure(
          'line-too-long',
          `The record at line ${line} is longer than ${options.maxRecordChars} characters.`,
          line,
        );
      }
      skipped.push({ line, bytes, rejection: { code: 'malformed-line', message: describeSkip(error) } });
      return undefined;
    },
  });
  const feeding = pipeline(body, limitBytes(options.maxBytes), parser);
  // Its failure reaches the loop below through the parser, which the pipeline destroys with it.
  feeding.catch(() => undefined);

  let columns: CsvColumn[] | null = null;
  const rowOf = (record: ParsedRecord): ImportRow | null => {
    const { line, bytes, cells } = record;
    if (options.format === 'ndjson') {
      const text = cells.join(NDJSON_DELIMITER);
      if (text.trim() === '') return null;
      try {
        return { line, bytes, event: JSON.parse(text) as unknown };
      } catch (error) {
        return {
          line,
          bytes,
          rejection: { code: 'malformed-line', message: `Not valid JSON: ${(error as Error).message}` },
        };
      }
    }
    if (columns === null) {
      try {
        columns = parseCsvHeader(cells);
      } catch (error) {
        if (error instanceof InvalidCsvHeaderError)
          throw new ImportFailure('invalid-header', `Line ${line} is the header row: ${error.message}`, line);
        throw error;
      }
      return null;
    }
    const converted = eventOfCsvRow(columns, cells);
    if ('errors' in converted)
      return {
        line,
        bytes,
        rejection: {
          code: 'invalid-row',
          message: "A cell does not have its column's type.",
          errors: converted.errors,
        },
      };
    return { line, bytes, event: converted.event };
  };

  try {
    for await (const record of parser as AsyncIterable<ParsedRecord>) {
      while (skipped.length > 0 && skipped[0]!.line < record.line) yield skipped.shift()!;
      const row = rowOf(record);
      if (row) yield row;
    }
    yield* skipped.splice(0);
    await feeding;
  } catch (error) {
    if (error instanceof ImportFailure) throw error;
    if (error instanceof CsvError)
      throw new ImportFailure(
        'malformed-file',
        `The file cannot be read as ${options.format.toUpperCase()}: ${error.message}`,
      );
    throw new ImportFailure(
      'interrupted',
      `The upload ended before the file was complete (${(error as Error).message}).`,
    );
  } finally {
    parser.destroy();
  }
}
