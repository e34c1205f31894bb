import { expect } from 'chai';
import {
  majorToMinor as majorToMinorUnits,
  minorToMajor as minorToMajorUnits,
  plainDecimal,
} from '../../connectors/money';
import { firstDayFrom, invoiceWindowFilter } from '../../connectors/erp/business-central/mappers/to-invoice';
import { documentReference } from '../../connectors/erp/business-central/mappers/to-sales-order';
import { toStockLevels } from '../../connectors/erp/business-central/mappers/to-stock-level';

describe('Business Central mappers', () => {
  it('when BC amounts are read, then they round half away from zero on their decimal text', () => {
    expect(majorToMinorUnits(1.005, 'EUR')).to.equal(101); // Math.round(1.005 * 100) would give 100
    expect(majorToMinorUnits(-1.005, 'EUR')).to.equal(-101);
    expect(majorToMinorUnits(12.344, 'EUR')).to.equal(1234);
    expect(majorToMinorUnits(0.1 + 0.2, 'EUR')).to.equal(30);
    expect(majorToMinorUnits(1500, 'JPY')).to.equal(1500);
    expect(majorToMinorUnits(1.2345, 'KWD')).to.equal(1235);
    expect(majorToMinorUnits(1e-7, 'EUR')).to.equal(0);
    expect(majorToMinorUnits(1e21, 'EUR')).to.equal(undefined);
    expect(plainDecimal(-2.5e-7)).to.equal('-0.00000025');
  });

  it('when our amounts are written, then they become the decimal BC reads', () => {
    expect(JSON.stringify(minorToMajorUnits(1999, 'EUR'))).to.equal('19.99');
    expect(minorToMajorUnits(7, 'JPY')).to.equal(7);
    expect(JSON.stringify(minorToMajorUnits(1, 'KWD'))).to.equal('0.001');
    expect(() => minorToMajorUnits(1.5, 'EUR')).to.throw(RangeError);
  });

  it('when an external reference becomes an external document number, then it is upper case and at most 35 characters', () => {
    expect(documentReference('order-4711')).to.equal('ORDER-4711');
    const long = documentReference(`order-${'x'.repeat(40)}`);
    expect(long)
      .to.have.length(35)
      .and.match(/^ORDER-X{16}~[0-9A-F]{12}$/);
    expect(documentReference(`order-${'x'.repeat(40)}y`)).to.not.equal(long);
  });

  it('when a time window is turned into an invoiceDate filter, then each day belongs to exactly one of two adjacent windows', () => {
    expect(firstDayFrom('2024-05-31T00:00:00Z')).to.equal('2024-05-31');
    expect(firstDayFrom('2024-05-31T00:00:01Z')).to.equal('2024-06-01');
    expect(firstDayFrom('2024-05-31T23:00:00-02:00')).to.equal('2024-06-02');
    expect(invoiceWindowFilter({ from: '2024-05-01T00:00:00Z', to: '2024-06-01T00:00:00Z' })).to.equal(
      "invoiceDate ge 2024-05-01 and invoiceDate lt 2024-06-01 and status ne 'Draft' and status ne 'In Review'",
    );
  });

  it('when inventory is mapped, then whole units count, negatives are 0, and SKUs keep their spelling', () => {
    const items = [
      { id: 'a', number: 'TG-11', inventory: 4.75 },
      { id: 'b', number: 'TG-12', inventory: -2 },
    ];
    expect(toStockLevels(['tg-11', 'TG-12', 'x'.repeat(21)], items)).to.deep.equal([
      { sku: 'tg-11', available: 4 },
      { sku: 'TG-12', available: 0 },
      { sku: 'x'.repeat(21), available: 0 },
    ]);
  });
});
