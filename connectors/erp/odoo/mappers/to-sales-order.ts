import type { SalesOrder } from '../../../spi';
import type { SalesOrderRow } from '../odoo.schemas';
import { toMinorUnits } from './money';

/** The currency code of a many2one to res.currency (`[1, 'EUR']`). */
export function currencyCode(value: [number, string] | false): string {
  return value === false ? '' : value[1];
}

/** Odoo's order states draft, sent, sale, done are all "open" to the SPI; cancel is "cancelled". */
export function toSalesOrder(row: SalesOrderRow): SalesOrder {
  const currency = currencyCode(row.currency_id);
  return {
    id: String(row.id),
    externalReference: row.client_order_ref === false ? '' : row.client_order_ref,
    status: row.state === 'cancel' ? 'cancelled' : 'open',
    total: { amount: toMinorUnits(row.amount_total, currency), currency },
  };
}
