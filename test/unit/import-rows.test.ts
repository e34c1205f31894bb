import { Readable } from 'node:stream';
import { expect } from 'chai';
import { ImportFailure } from '../../server/imports/import-failure';
import { importedEventOf } from '../../server/imports/imported-event';
import { readImportRows, type ImportFormat, type ImportRow } from '../../server/imports/import-rows';
import { mapEvent } from '../../server/intake/event-mapping';
import { parseEventSourcesFile } from '../../server/intake/event-sources-file';
import { intakeRecorderProcess } from '../support/intake-recorder.process';

const LIMITS = { maxBytes: 1024 * 1024, maxRecordChars: 1000 };

async function rowsOf(
  chunks: string[] | AsyncIterable<Buffer | string>,
  format: ImportFormat,
  limits = LIMITS,
): Promise<ImportRow[]> {
  const rows: ImportRow[] = [];
  for await (const row of readImportRows(
    Array.isArray(chunks) ? Readable.from(chunks.map((chunk) => Buffer.from(chunk))) : chunks,
    { format, ...limits },
  ))
    rows.push(row);
  return rows;
}

/** Rows without their byte counts, which the tests below do not care about. */
const plain = (rows: ImportRow[]) => rows.map(({ bytes: _bytes, ...row }) => row);

async function failureOf(promise: Promise<unknown>): Promise<ImportFailure> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ImportFailure) return error;
    throw error;
  }
  throw new Error('expected the read to fail');
}

describe('reading an import file row by row (CSV and NDJSON through csv-parse)', () => {
  describe('CSV', () => {
    it('numbers rows by the line they start on, past empty lines, CRLF, a BOM and quoted newlines', async () => {
      const file = '\ufeffid,note\r\n1,plain\r\n\r\n2,"two\nlines"\n3,"with ""quotes"", and a comma"\n\n';
      expect(plain(await rowsOf([file], 'csv'))).to.deep.equal([
        { line: 2, event: { id: '1', note: 'plain' } },
        { line: 4, event: { id: '2', note: 'two\nlines' } },
        { line: 6, event: { id: '3', note: 'with "quotes", and a comma' } },
      ]);
    });

    it('rejects malformed records by line and reads on: wrong number of cells, a stray quote, a quote never closed', async () => {
      const file = 'id,amount:number\n1,10\n2,20,extra\n3\n4,4"0\n5,50\n6,"60\n7,70\n';
      const rows = plain(await rowsOf([file], 'csv'));
      expect(
        rows.map((row) => ('event' in row ? `${row.line}:ok` : `${row.line}:${row.rejection.code}`)),
      ).to.deep.equal(['2:ok', '3:malformed-line', '4:malformed-line', '5:malformed-line', '6:ok', '7:malformed-line']);
      const unclosed = rows.at(-1)!;
      expect('rejection' in unclosed && unclosed.rejection.message).to.match(/Quote Not Closed/);
    });

    it("rejects a row whose cell lacks its column's type, naming the column", async () => {
      expect(plain(await rowsOf(['id,amount:number\n1,lots\n'], 'csv'))).to.deep.equal([
        {
          line: 2,
          rejection: {
            code: 'invalid-row',
            message: "A cell does not have its column's type.",
            errors: [{ field: 'amount', message: 'is not a number' }],
          },
        },
      ]);
    });

    it('reads rows split anywhere across chunks, as the network delivers them', async () => {
      const file = 'id,note\n' + Array.from({ length: 200 }, (_, i) => `${i},"note ${i}\nsecond line"`).join('\n');
      const chunks = file.match(/[\s\S]{1,7}/g)!;
      const rows = await rowsOf(chunks, 'csv');
      expect(rows).to.have.length(200);
      expect(plain(rows)[199]).to.deep.equal({
        line: 2 + 199 * 2,
        event: { id: '199', note: 'note 199\nsecond line' },
      });
    });

    it('fails on an invalid header, naming it', async () => {
      const failure = await failureOf(rowsOf(['id,id\n1,2\n'], 'csv'));
      expect(failure.code).to.equal('invalid-header');
      expect(failure.detail).to.contain('"id" appears twice');
    });

    it('when the header names junk[50000000], then the import fails as invalid-header naming the column, before any row is read', async () => {
      let rowsAsked = 0;
      async function* file(): AsyncGenerator<Buffer> {
        yield Buffer.from('orderId,junk[50000000]\n');
        for (let i = 0; i < 2000; i++) {
          rowsAsked += 1;
          yield Buffer.from(`${i},${'x'.repeat(500)}\n`);
        }
      }
      const started = performance.now();
      const failure = await failureOf(rowsOf(file(), 'csv'));
      expect(performance.now() - started, 'ms to refuse; building the array took 11,800').to.be.lessThan(2_000);
      expect(failure.code).to.equal('invalid-header');
      expect(failure.line).to.equal(1);
      expect(failure.detail).to.equal(
        'Line 1 is the header row: Column "junk[50000000]": the index [50000000] in "junk[50000000]" is past the largest allowed, 999.',
      );
      // The upload is not read to its end: only what the parser had buffered when the header failed.
      expect(rowsAsked, 'rows pulled from the upload').to.be.below(200);
    });

    it('yields nothing for an empty file', async () => {
      expect(await rowsOf([''], 'csv')).to.deep.equal([]);
      expect(await rowsOf(['id,note\n'], 'csv')).to.deep.equal([]);
    });
  });

  describe('NDJSON', () => {
    it('parses a JSON value per line; blank lines are skipped, malformed ones rejected by line', async () => {
      const file = '{"id":1,"text":"a,b \\"c\\""}\r\n\n   \n{bad json\n[1,2]\n{"id":"\u0001"}\n{"id":2}';
      const rows = plain(await rowsOf([file], 'ndjson'));
      expect(rows.map((row) => row.line)).to.deep.equal([1, 4, 5, 6, 7]);
      expect(rows[0]).to.deep.equal({ line: 1, event: { id: 1, text: 'a,b "c"' } });
      expect(rows[1]).to.have.nested.property('rejection.code', 'malformed-line');
      expect((rows[1] as { rejection: { message: string } }).rejection.message).to.match(/^Not valid JSON/);
      expect(rows[2]).to.deep.equal({ line: 5, event: [1, 2] });
      // A raw control character is not JSON, whatever the line splitter makes of it.
      expect(rows[3]).to.have.nested.property('rejection.code', 'malformed-line');
      expect(rows[4]).to.deep.equal({ line: 7, event: { id: 2 } });
    });
  });

  describe('limits', () => {
    it('fails with line-too-long at a record longer than the limit', async () => {
      const failure = await failureOf(rowsOf(['{"id":1}\n{"id":"' + 'x'.repeat(2000) + '"}\n{"id":3}\n'], 'ndjson'));
      expect(failure.code).to.equal('line-too-long');
      expect(failure.line).to.equal(2);
    });

    it('fails with too-large once the stream passes maxBytes, whatever it declared', async () => {
      async function* endless(): AsyncGenerator<Buffer> {
        yield Buffer.from('id,note\n');
        for (;;) yield Buffer.from('1,' + 'x'.repeat(100) + '\n');
      }
      const failure = await failureOf(rowsOf(endless(), 'csv', { maxBytes: 10_000, maxRecordChars: 1000 }));
      expect(failure.code).to.equal('too-large');
      expect(failure.detail).to.contain('10000 bytes');
    });

    it('fails with interrupted when the upload breaks off', async () => {
      async function* broken(): AsyncGenerator<Buffer> {
        yield Buffer.from('{"id":1}\n');
        throw Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
      }
      const failure = await failureOf(rowsOf(broken(), 'ndjson'));
      expect(failure.code).to.equal('interrupted');
    });

    it('holds only a bounded part of a large file at a time', async () => {
      let produced = 0;
      async function* big(): AsyncGenerator<Buffer> {
        for (let i = 0; i < 20_000; i++) {
          produced += 1;
          yield Buffer.from(`{"id":${i}}\n`);
        }
      }
      let consumed = 0;
      let maxAhead = 0;
      for await (const row of readImportRows(big(), { format: 'ndjson', ...LIMITS })) {
        consumed += 1;
        maxAhead = Math.max(maxAhead, produced - consumed);
        if (consumed % 1000 === 0) await new Promise((resolve) => setImmediate(resolve));
        expect(row).to.have.property('event');
      }
      expect(consumed).to.equal(20_000);
      // The parser pauses its source while its consumer is behind: the lead stays at a few buffers' worth.
      expect(maxAhead).to.be.below(2_000);
    });
  });
});

describe('what the inbox keeps for an imported row (event_inbox.payload)', () => {
  const [started, signalled] = parseEventSourcesFile(
    `
sources:
  started:
    signature: { scheme: hmac-sha256, header: X-Sig, secret: '\${S}' }
    eventId: { path: eventId }
    process: { type: intakeRecorder, mode: start, businessKey: order.key, input: order }
  signalled:
    signature: { scheme: hmac-sha256, header: X-Sig, secret: '\${S}' }
    eventId: { path: eventId }
    process: { type: intakeRecorder, mode: signalWithStart, businessKey: order.key, input: order, signal: recordEvent, argument: change }
`,
    { S: 'secret' },
    [intakeRecorderProcess('unit')],
  );
  const preparation = { connectorDefaults: {}, deployment: { unsupportedOperations: () => undefined } };

  async function storedOf(source: typeof started, file: string): Promise<unknown[]> {
    const stored: unknown[] = [];
    for await (const row of readImportRows(Readable.from([Buffer.from(file)]), {
      format: 'csv',
      maxBytes: LIMITS.maxBytes,
      maxRecordChars: 100_000,
    })) {
      if (!('event' in row)) throw new Error(`line ${row.line} rejected: ${row.rejection.message}`);
      const mapped = mapEvent(source!, row.event, 'evt', preparation);
      stored.push(importedEventOf(source!, mapped.command));
    }
    return stored;
  }

  it('when a row has columns the mapping does not read, then what is kept is the input the process receives at its path, not the row', async () => {
    const junk = Array.from({ length: 999 }, (_, i) => `junk[${i}]`).join(',');
    const file = `eventId,order.key,order.amount:number,note,${junk},junk[999]\ne-1,k-1,5,call me at ada@example.com,${','.repeat(998)},x\n`;
    expect(await storedOf(started, file)).to.deep.equal([{ order: { key: 'k-1', amount: 5 } }]);
  });

  it('when the source also sends a signal, then its argument is kept at its path beside the input', async () => {
    const file = 'eventId,order.key,order.amount:number,change.kind,change.at\ne-2,k-2,7,paid,2024-05-01\n';
    expect(await storedOf(signalled, file)).to.deep.equal([
      { order: { key: 'k-2', amount: 7 }, change: { kind: 'paid', at: '2024-05-01' } },
    ]);
  });

  it('when input and argument are both the whole event, then the two merge, and the command is not changed by it', () => {
    const [both] = parseEventSourcesFile(
      `
sources:
  both:
    signature: { scheme: hmac-sha256, header: X-Sig, secret: '\${S}' }
    eventId: { path: key }
    process: { type: intakeRecorder, mode: signalWithStart, businessKey: key, signal: recordEvent }
`,
      { S: 'secret' },
      [intakeRecorderProcess('unit')],
    );
    const command = {
      mode: 'signalWithStart' as const,
      workflowType: 'intakeRecorder',
      workflowId: 'unit-k',
      input: { key: 'k', amount: 1 },
      message: { name: 'recordEvent', arg: { kind: 'paid' } },
    };
    expect(importedEventOf(both!, command)).to.deep.equal({ key: 'k', amount: 1, kind: 'paid' });
    expect(command.input).to.deep.equal({ key: 'k', amount: 1 });
  });
});
