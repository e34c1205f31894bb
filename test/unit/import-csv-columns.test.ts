import { expect } from 'chai';
import { eventOfCsvRow, InvalidCsvHeaderError, parseCsvHeader } from '../../server/imports/csv-columns';

describe('CSV columns of an import (header paths and types)', () => {
  it('when columns name dotted paths and indexes, then a row becomes the nested event they describe', () => {
    const columns = parseCsvHeader(['eventId', 'customer.email', 'customer.name', 'lines[0].sku', 'lines[0].quantity:number', 'lines[1].sku', 'gift:boolean', 'meta:json']);
    const row = eventOfCsvRow(columns, ['evt-1', 'ada@example.com', 'Ada', 'SKU-1', '2', 'SKU-2', 'TRUE', '{"channel":"web","tags":["a"]}']);
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
    expect(eventOfCsvRow(columns, ['00123', '-1.5e2', '01067'])).to.deep.equal({ event: { orderId: '00123', amount: -150, zip: '01067' } });
  });

  it('leaves the fields of empty cells out, so optional fields (and a trailing order line) can be blank', () => {
    const columns = parseCsvHeader(['id', 'note', 'lines[0].sku', 'lines[1].sku', 'lines[1].quantity:number']);
    expect(eventOfCsvRow(columns, ['1', '', 'A', '', ''])).to.deep.equal({ event: { id: '1', lines: [{ sku: 'A' }] } });
    expect(eventOfCsvRow(columns, ['2'])).to.deep.equal({ event: { id: '2' } });
  });

  it('names every cell that does not have its column\'s type', () => {
    const columns = parseCsvHeader(['id', 'amount:number', 'gift:boolean', 'meta:json']);
    expect(eventOfCsvRow(columns, ['1', 'lots', 'yes', '{oops'])).to.deep.equal({
      errors: [
        { field: 'amount', message: 'is not a number' },
        { field: 'gift', message: 'must be true or false' },
        { field: 'meta', message: 'is not valid JSON' },
      ],
    });
    expect(eventOfCsvRow(columns, ['1', '0x10', '', ''])).to.deep.equal({ errors: [{ field: 'amount', message: 'is not a number' }] });
  });

  describe('refuses a header that cannot describe events', () => {
    const refused = (cells: string[], message: RegExp) => expect(() => parseCsvHeader(cells)).to.throw(InvalidCsvHeaderError, message);

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

    it('names that would reach Object.prototype', () => {
      refused(['__proto__.polluted'], /reserved name/);
      refused(['a.constructor'], /reserved name/);
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    });
  });
});
