/**
 * Sales orders ↔ BC salesOrders and salesOrderLines. Our external reference travels as
 * `externalDocumentNumber`, which is also the lookup key before every create.
 */
import { createHash } from 'node:crypto';
import type { Money, OrderLine, SalesOrder, SalesOrderInput } from '../../../spi';
import { BcPayloadError } from '../bc-errors';
import { bcManifest } from '../bc.manifest';
import type { RawSalesInvoice, RawSalesOrder } from '../bc.schemas';
import { odataString } from '../bc.client';
import { majorToMinor, minorToMajor } from '../../../money';

const REFERENCE_LENGTH = bcManifest.limits.externalDocumentNumber;
const DIGEST_LENGTH = 12;
/** BC leaves GUID fields it has no value for as the nil GUID, not null. */
export const NIL_GUID = '00000000-0000-0000-0000-000000000000';

/**
 * The external document number for a reference. It is a Code[35] field, which BC stores upper
 * case: the reference is upper-cased (references differing only in case would meet, as they do
 * in BC's UI), and one too long becomes its first 22 characters, `~` and 12 hex characters of
 * its SHA-256, so it stays readable and unique.
 */
export function documentReference(externalReference: string): string {
  const upper = externalReference.toUpperCase();
  if (upper.length <= REFERENCE_LENGTH) return upper;
  const digest = createHash('sha256')
    .update(externalReference, 'utf8')
    .digest('hex')
    .slice(0, DIGEST_LENGTH)
    .toUpperCase();
  return `${upper.slice(0, REFERENCE_LENGTH - DIGEST_LENGTH - 1)}~${digest}`;
}

export function salesOrderFilter(input: SalesOrderInput): string {
  return `externalDocumentNumber eq ${odataString(documentReference(input.externalReference))} and customerId eq ${input.customerId}`;
}

/** Line numbers as BC numbers them by default: 10000, 20000 … */
export function lineSequence(index: number): number {
  return (index + 1) * 10_000;
}

/** The header; lines follow one by one (v1.0 describes no deep insert). LCY orders carry no currency code. */
export function toSalesOrderCreate(input: SalesOrderInput, localCurrency: string): Record<string, unknown> {
  return {
    externalDocumentNumber: documentReference(input.externalReference),
    customerId: input.customerId,
    ...(input.currency === localCurrency ? {} : { currencyCode: input.currency }),
  };
}

/** An item line at our price: `unitPrice` in major units of the order's currency. */
export function toSalesOrderLineCreate(
  line: OrderLine,
  index: number,
  itemId: string,
  currency: string,
): Record<string, unknown> {
  return {
    sequence: lineSequence(index),
    lineType: 'Item',
    itemId,
    quantity: line.quantity,
    unitPrice: minorToMajor(line.unitAmount, currency),
  };
}

/** `''` (BC's "local currency") → the instance's LCY. */
export function documentCurrency(currencyCode: string | null | undefined, localCurrency: string): string {
  const code = (currencyCode ?? '').trim().toUpperCase();
  return code === '' ? localCurrency : code;
}

/**
 * The document total in minor units, on the same footing as our line amounts: including tax
 * when the document's prices include tax, else excluding it. BC's pricing has the last word.
 */
export function documentTotal(raw: RawSalesOrder | RawSalesInvoice, localCurrency: string): Money {
  const currency = documentCurrency(raw.currencyCode, localCurrency);
  const major = (raw.pricesIncludeTax ? raw.totalAmountIncludingTax : raw.totalAmountExcludingTax) ?? 0;
  const amount = majorToMinor(major, currency);
  if (amount === undefined) throw new BcPayloadError(`total of document ${raw.id} is not an amount in ${currency}`);
  return { amount, currency };
}

/** BC's order → ours. An order that exists is open: cancelling deletes it. */
export function toSalesOrder(raw: RawSalesOrder, localCurrency: string, externalReference?: string): SalesOrder {
  return {
    id: raw.id,
    externalReference: externalReference ?? raw.externalDocumentNumber ?? '',
    status: 'open',
    total: documentTotal(raw, localCurrency),
  };
}
