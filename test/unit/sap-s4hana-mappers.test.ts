import { expect } from 'chai';
import { currencyDigits, decimalToMinor, decimalToScaled, minorToDecimal } from '../../connectors/money';
import { customerReference } from '../../connectors/erp/sap-s4hana/mappers/to-customer';
import { salesOrderReference, toSalesOrder } from '../../connectors/erp/sap-s4hana/mappers/to-sales-order';
import { toStockLevels } from '../../connectors/erp/sap-s4hana/mappers/to-stock-level';
import { parseSetCookie } from '../../connectors/erp/sap-s4hana/sap-csrf';
import { SapPayloadError } from '../../connectors/erp/sap-s4hana/sap-errors';

describe('SAP S/4HANA mappers', () => {
  describe('decimal amounts', () => {
    it('writes minor units as the currency’s decimal, without floats', () => {
      expect(minorToDecimal(1234, 'EUR')).to.equal('12.34');
      expect(minorToDecimal(5, 'EUR')).to.equal('0.05');
      expect(minorToDecimal(-5, 'EUR')).to.equal('-0.05');
      expect(minorToDecimal(0, 'USD')).to.equal('0.00');
      expect(minorToDecimal(1234, 'JPY')).to.equal('1234');
      expect(minorToDecimal(1234, 'KWD')).to.equal('1.234');
      expect(minorToDecimal(Number.MAX_SAFE_INTEGER, 'EUR')).to.equal('90071992547409.91');
      expect(() => minorToDecimal(12.5, 'EUR')).to.throw(RangeError);
    });

    it('reads SAP decimals (scale 3) into minor units exactly, rounding half away from zero past the currency', () => {
      expect(decimalToMinor('12.340', 'EUR')).to.equal(1234);
      expect(decimalToMinor('0.1', 'EUR')).to.equal(10);
      expect(decimalToMinor('1.005', 'EUR')).to.equal(101); // 1.005 * 100 is 100.49999… in floats
      expect(decimalToMinor('-1.005', 'EUR')).to.equal(-101);
      expect(decimalToMinor('1.004', 'EUR')).to.equal(100);
      expect(decimalToMinor('1500', 'JPY')).to.equal(1500);
      expect(decimalToMinor('7', 'EUR')).to.equal(700);
      expect(decimalToMinor('-0.000', 'EUR')).to.equal(0);
      expect(decimalToMinor('1e3', 'EUR')).to.equal(undefined);
      expect(decimalToMinor('abc', 'EUR')).to.equal(undefined);
      expect(decimalToMinor('99999999999999999999', 'EUR')).to.equal(undefined);
      expect(decimalToScaled('0.29', 2)).to.equal(29n); // 0.29 * 100 is 28.999… in floats
    });

    it('counts ISO 4217 minor digits and treats unknown codes as 2', () => {
      expect([
        currencyDigits('EUR'),
        currencyDigits('JPY'),
        currencyDigits('BHD'),
        currencyDigits('strin'),
      ]).to.deep.equal([2, 0, 3, 2]);
    });
  });

  describe('lookup keys', () => {
    it('derives a 20-character partner key from the e-mail, the same for any spelling of it', () => {
      const key = customerReference('Buyer@Example.com ');
      expect(key)
        .to.match(/^JN[A-Z2-7]{18}$/)
        .and.equal(customerReference('buyer@example.com'));
      expect(key).not.to.equal(customerReference('other@example.com'));
    });

    it('keeps external references of up to 35 characters and shortens longer ones uniquely', () => {
      expect(salesOrderReference('order-42')).to.equal('order-42');
      const long = salesOrderReference('order-3f2b1c9e-8d7a-4b6c-9e5f-0a1b2c3d4e5f');
      expect(long)
        .to.have.length(35)
        .and.match(/^order-3f2b1c9e-8d7a-4b~[0-9a-f]{12}$/);
      expect(long).not.to.equal(salesOrderReference('order-3f2b1c9e-8d7a-4b6c-9e5f-0a1b2c3d4e60'));
    });
  });

  it('maps a fully rejected order as cancelled and refuses an unreadable total', () => {
    const raw = {
      SalesOrder: '1',
      PurchaseOrderByCustomer: 'ref',
      TotalNetAmount: '10.000',
      TransactionCurrency: 'eur',
      OverallSDDocumentRejectionSts: 'C',
    };
    expect(toSalesOrder(raw)).to.deep.equal({
      id: '1',
      externalReference: 'ref',
      status: 'cancelled',
      total: { amount: 1000, currency: 'EUR' },
    });
    expect(() => toSalesOrder({ ...raw, TotalNetAmount: 'n/a' })).to.throw(SapPayloadError);
  });

  it('sums stock exactly before rounding down, and only unrestricted normal stock of configured plants', () => {
    const row = (Material: string, qty: string, more = {}) => ({
      Material,
      Plant: 'P1',
      InventoryStockType: '01',
      InventorySpecialStockType: '',
      MatlWrhsStkQtyInMatlBaseUnit: qty,
      ...more,
    });
    const rows = [
      row('A', '0.7'),
      row('A', '0.7'),
      row('A', '5', { Plant: 'P2' }),
      row('A', '9', { InventorySpecialStockType: 'W' }),
      row('B', '-3'),
      row('X', '8'),
    ];
    expect(toStockLevels(['A', 'B', 'C'], rows, { stockType: '01', plants: ['P1'] })).to.deep.equal([
      { sku: 'A', available: 1 },
      { sku: 'B', available: 0 },
      { sku: 'C', available: 0 },
    ]);
    expect(() => toStockLevels(['A'], [row('A', 'lots')], { stockType: '01', plants: [] })).to.throw(SapPayloadError);
  });

  it('reads session cookies out of joined Set-Cookie headers, commas in dates included', () => {
    const header =
      'SAP_SESSIONID_J01_100=abc%3d; path=/; HttpOnly, sap-usercontext=sap-client=100; path=/; expires=Wed, 21 Oct 2099 07:28:00 GMT, MYSAPSSO2=x';
    expect(parseSetCookie(header)).to.deep.equal([
      ['SAP_SESSIONID_J01_100', 'abc%3d'],
      ['sap-usercontext', 'sap-client=100'],
      ['MYSAPSSO2', 'x'],
    ]);
    expect(parseSetCookie(undefined)).to.deep.equal([]);
  });
});
