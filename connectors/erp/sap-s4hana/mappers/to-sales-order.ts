/**
 * Sales orders ↔ A_SalesOrder. Our external reference travels as `PurchaseOrderByCustomer`
 * (the customer reference, 35 characters), which is also the lookup key before every create.
 */
import { createHash } from 'node:crypto';
import type { SalesOrder, SalesOrderInput } from '../../../spi';
import type { RawSalesOrder } from '../sap.schemas';
import { SapPayloadError } from '../sap-errors';
import type { SapSettings } from '../sap.settings';
import { decimalToMinor, minorToDecimal } from '../../../money';

/** Length of A_SalesOrder.PurchaseOrderByCustomer. */
export const CUSTOMER_REFERENCE_LENGTH = 35;
const DIGEST_LENGTH = 12;

/**
 * The reference stored in SAP: the external reference itself when it fits, else its first 22
 * characters, `~` and 12 hex characters of its SHA-256, so that it stays readable and unique.
 */
export function salesOrderReference(externalReference: string): string {
  if (externalReference.length <= CUSTOMER_REFERENCE_LENGTH) return externalReference;
  const digest = createHash('sha256').update(externalReference, 'utf8').digest('hex').slice(0, DIGEST_LENGTH);
  return `${externalReference.slice(0, CUSTOMER_REFERENCE_LENGTH - DIGEST_LENGTH - 1)}~${digest}`;
}

/** Item numbers as SAP numbers them by default: 10, 20, 30 … */
export function itemNumber(index: number): string {
  return String((index + 1) * 10);
}

/**
 * POST /A_SalesOrder as one deep insert (header + items + item prices): an order exists with
 * all its lines or not at all, so lookup-before-write never finds half an order.
 * `SalesOrder: ''` satisfies the key the spec requires and asks SAP for internal numbering.
 * The spec was pruned of navigation properties (vendor-specs README); `to_Item` and
 * `to_PricingElement` are SAP's documented deep-insert shape.
 */
export function toSalesOrderCreate(input: SalesOrderInput, settings: SapSettings): Record<string, unknown> {
  const { salesOrder } = settings;
  return {
    SalesOrder: '',
    SalesOrderType: salesOrder.type,
    SalesOrganization: salesOrder.salesOrganization,
    DistributionChannel: salesOrder.distributionChannel,
    OrganizationDivision: salesOrder.division,
    SoldToParty: input.customerId,
    PurchaseOrderByCustomer: salesOrderReference(input.externalReference),
    TransactionCurrency: input.currency,
    to_Item: {
      results: input.lines.map((line, index) => ({
        SalesOrderItem: itemNumber(index),
        Material: line.sku,
        RequestedQuantity: String(line.quantity),
        ...(salesOrder.priceCondition === null
          ? {}
          : {
              to_PricingElement: {
                results: [
                  {
                    ConditionType: salesOrder.priceCondition,
                    ConditionRateValue: minorToDecimal(line.unitAmount, input.currency),
                    ConditionCurrency: input.currency,
                  },
                ],
              },
            }),
      })),
    },
  };
}

/**
 * SAP's header → our order. The total is SAP's net value (its pricing has the last word); the
 * order is cancelled when every item carries a reason for rejection (status `C`).
 */
export function toSalesOrder(raw: RawSalesOrder, externalReference?: string): SalesOrder {
  const currency = (raw.TransactionCurrency ?? '').trim().toUpperCase();
  const amount = decimalToMinor(raw.TotalNetAmount ?? '0', currency);
  if (amount === undefined)
    throw new SapPayloadError(`TotalNetAmount of sales order ${raw.SalesOrder} is not a decimal amount`);
  return {
    id: raw.SalesOrder,
    externalReference: externalReference ?? raw.PurchaseOrderByCustomer ?? '',
    status: raw.OverallSDDocumentRejectionSts === 'C' ? 'cancelled' : 'open',
    total: { amount, currency },
  };
}
