import { expect } from 'chai';
import { eventOfCsvRow, InvalidCsvHeaderError, parseCsvHeader } from '../../server/imports/csv-columns';

describe('CSV columns of an import (header paths and types)', () => {
  it('when columns name dotted paths and indexes, then a row becomes the nested event they describe', () => {
    const columns = parseCsvHeader([
      'eventId',
      'customer.email',
      'customer.name',
      'lines[0].sku',
      'lines[0].quantity:number',
      'lines[1].sku',
      'gift:boolean',
      'meta:json',
    ]);
    const row = eventOfCsvRow(columns, [
      'evt-1',
      'ada@example.com',
      'Ada',
      'SKU-1',
      '2',
      'SKU-2',
      'TRUE',
      '{"channel":"web","tags":["a"]}',
    ]);
    expect(row).to.deep.equal({
      event: {
        eventId: 'evt-1',
        customer: { email: 'ada@example.com', name: 'Ada' },
        lines: [{ sku: 'SKU-1', quantity: 2 }, { sku: 'SKU-2' }],
        gift: true,
        meta: { channel: 'web', tags: ['a'] },
      },
    });
  });

  it('keeps cells strings unless the column declares a type, so ids with leading zeros survive', () => {
    const columns = parseCsvHeader(['orderId', 'amount:number', 'zip:string']);
    expect(eventOfCsvRow(columns, ['00123', '-1.5e2', '01067'])).to.deep.equal({
      event: { orderId: '00123', amount: -150, zip: '01067' },
    });
  });

  it('leaves the fields of empty cells out, so optional fields (and a trailing order line) can be blank', () => {
    const columns = parseCsvHeader(['id', 'note', 'lines[0].sku', 'lines[1].sku', 'lines[1].quantity:number']);
    expect(eventOfCsvRow(columns, ['1', '', 'A', '', ''])).to.deep.equal({ event: { id: '1', lines: [{ sku: 'A' }] } });
    expect(eventOfCsvRow(columns, ['2'])).to.deep.equal({ event: { id: '2' } });
  });

  it("names every cell that does not have its column's type", () => {
    const columns = parseCsvHeader(['id', 'amount:number', 'gift:boolean', 'meta:json']);
    expect(eventOfCsvRow(columns, ['1', 'lots', 'yes', '{oops'])).to.deep.equal({
      errors: [
        { field: 'amount', message: 'is not a number' },
        { field: 'gift', message: 'must be true or false' },
        { field: 'meta', message: 'is not valid JSON' },
      ],
    });
    expect(eventOfCsvRow(columns, ['1', '0x10', '', ''])).to.deep.equal({
      errors: [{ field: 'amount', message: 'is not a number' }],
    });
  });

  it('when indexed columns count from 0 without gaps (in any column order, nested too), then rows build their lists', () => {
    const columns = parseCsvHeader(['lines[1].sku', 'm[0][1]', 'lines[0].sku', 'm[0][0]', 'm[1][0]']);
    expect(eventOfCsvRow(columns, ['B', 'b', 'A', 'a', 'c'])).to.deep.equal({
      event: { lines: [{ sku: 'A' }, { sku: 'B' }], m: [['a', 'b'], ['c']] },
    });
    const wide = parseCsvHeader(Array.from({ length: 1000 }, (_, i) => `x[${i}]:number`));
    const row = eventOfCsvRow(
      wide,
      Array.from({ length: 1000 }, (_, i) => String(i)),
    );
    expect('event' in row && (row.event.x as number[]).length).to.equal(1000);
  });

  describe('refuses a header that cannot describe events', () => {
    const refused = (cells: string[], message: RegExp) =>
      expect(() => parseCsvHeader(cells)).to.throw(InvalidCsvHeaderError, message);

    it('an unnamed column, an unknown type, a path that is not one, or the whole event', () => {
      refused(['id', ''], /Column 2 of the header has no name/);
      refused(['amount:decimal'], /type after ":" must be one of string, number, boolean, json/);
      refused(['a:number:x'], /type after ":"/);
      refused(['lines[x].sku'], /is not a path/);
      refused(['$'], /must name a field/);
    });

    it('a column twice, or two columns that would make one field two things', () => {
      refused(['id', 'id'], /"id" appears twice/);
      refused(['customer', 'customer.email'], /"customer" and "customer.email" cannot both be set/);
      refused(['customer.email', 'customer'], /cannot both be set/);
      refused(['lines[0].sku', 'lines.count'], /cannot both be set: lines would be two things/);
    });

    it('when a column names an array index past 999 (junk[50000000], x[1000]), then the header is refused naming the column, before any row is built', () => {
      const started = performance.now();
      refused(
        ['orderId', 'junk[50000000]'],
        /^Column "junk\[50000000\]": the index \[50000000\] in "junk\[50000000\]" is past the largest allowed, 999/,
      );
      refused(['orderId', 'x[1000]'], /^Column "x\[1000\]": .*past the largest allowed, 999/);
      refused(['lines[0].tags[99999999999999999999]'], /Column "lines\[0\]\.tags\[99999999999999999999\]"/);
      expect(performance.now() - started, 'ms to refuse; building the array took 11,800').to.be.lessThan(1_000);
    });

    it('when a column names a list element whose predecessor no column names, then the header is refused naming the column', () => {
      refused(
        ['id', 'lines[1].sku'],
        /^Column "lines\[1\]\.sku" names lines\[1\] but no column names lines\[0\]: list indexes count from 0 without gaps/,
      );
      refused(
        ['lines[0].sku', 'lines[2].sku'],
        /Column "lines\[2\]\.sku" names lines\[2\] but no column names lines\[1\]/,
      );
      refused(['m[0][0]', 'm[0][2]'], /Column "m\[0\]\[2\]" names m\[0\]\[2\] but no column names m\[0\]\[1\]/);
      refused(['x[999]'], /no column names x\[998\]/);
    });

    it('names that would reach Object.prototype', () => {
      refused(['__proto__.polluted'], /reserved name/);
      refused(['a.constructor'], /reserved name/);
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    });
  });
});
