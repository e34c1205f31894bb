import type { PurchaseOrder } from '../../../spi';
import type { PurchaseOrderRow } from '../odoo.schemas';

export function toPurchaseOrder(row: PurchaseOrderRow): PurchaseOrder {
  return { id: String(row.id), externalReference: row.partner_ref === false ? '' : row.partner_ref };
}
