/**
 * Raw Business Central API v1.0 payloads, as BCOAS1.0.yaml describes them. Only the fields the
 * mappers read are declared; unknown fields are dropped. Fields the spec marks `nullable` are
 * `nullish` here; `id` is required (the spec says non-nullable, and nothing works without it).
 * Vendor types stop at the mappers.
 */
import { z } from 'zod';

const text = z.string().nullish();
/** `format: decimal` is a JSON number in major units. */
const decimal = z.number().nullish();
/**
 * The spec types document dates as date-time, while BC sends (and takes) `2024-05-31`
 * (vendor-specs README, caveat 4): both forms are read.
 */
const documentDate = z.union([z.iso.date(), z.iso.datetime({ offset: true })]).nullish();
/** OData v4 optimistic concurrency: real BC sends it on every record, the spec does not describe it. */
const etag = z.string().optional();

/** A collection page: `{ value: [...], @odata.nextLink? }`. */
export function bcCollection<T extends z.ZodType>(item: T) {
  return z.object({ value: z.array(item), '@odata.nextLink': z.string().optional() });
}

/** The error body of every BC endpoint: `{ error: { code, message } }`. */
export const bcErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export const rawCustomer = z.object({
  '@odata.etag': etag,
  id: z.guid(),
  number: text,
  displayName: z.string().optional(),
  email: text,
});
export type RawCustomer = z.infer<typeof rawCustomer>;
export const customerSelect = ['id', 'number', 'displayName', 'email'];

export const rawItem = z.object({
  id: z.guid(),
  number: text,
  /** On hand in the base unit of measure, over all locations. */
  inventory: decimal,
});
export type RawItem = z.infer<typeof rawItem>;
export const itemSelect = ['id', 'number', 'inventory'];

const documentTotals = {
  currencyCode: text,
  pricesIncludeTax: z.boolean().nullish(),
  totalAmountExcludingTax: decimal,
  totalAmountIncludingTax: decimal,
  status: text,
};

export const rawSalesOrder = z.object({
  '@odata.etag': etag,
  id: z.guid(),
  number: text,
  externalDocumentNumber: text,
  customerId: z.guid().nullish(),
  ...documentTotals,
});
export type RawSalesOrder = z.infer<typeof rawSalesOrder>;
export const salesOrderSelect = [
  'id',
  'number',
  'externalDocumentNumber',
  'customerId',
  'currencyCode',
  'pricesIncludeTax',
  'totalAmountExcludingTax',
  'totalAmountIncludingTax',
  'status',
];

export const rawSalesOrderLine = z.object({
  /** `<documentId>-<sequence>`, not a GUID. */
  id: z.string(),
  sequence: z.number().int().nullish(),
  itemId: z.guid().nullish(),
  quantity: decimal,
});
export type RawSalesOrderLine = z.infer<typeof rawSalesOrderLine>;
export const salesOrderLineSelect = ['id', 'sequence', 'itemId', 'quantity'];

export const rawSalesInvoice = z.object({
  '@odata.etag': etag,
  id: z.guid(),
  number: text,
  invoiceDate: documentDate,
  customerId: z.guid().nullish(),
  /** The sales order it was posted from. */
  orderId: z.guid().nullish(),
  ...documentTotals,
});
export type RawSalesInvoice = z.infer<typeof rawSalesInvoice>;
export const salesInvoiceSelect = [
  'id',
  'number',
  'invoiceDate',
  'customerId',
  'orderId',
  'currencyCode',
  'pricesIncludeTax',
  'totalAmountExcludingTax',
  'totalAmountIncludingTax',
  'status',
];
