/**
 * Raw SAP OData v2 payloads, as the three specs describe them. Only the fields the mappers read
 * are declared; unknown fields are dropped. Fields the specs mark `nullable` are `nullish` here.
 * Vendor types stop at the mappers.
 */
import { z } from 'zod';

const text = z.string().nullish();

/** `__metadata` of OData v2 JSON verbose: real systems send it, the specs do not describe it. */
const metadata = z.object({ etag: z.string().optional() }).optional();

export interface ODataCollection<T> {
  d: { results: T[]; __count?: string | undefined; __next?: string | undefined };
}

/*
 * The two wrappers below declare their output type: TypeScript cannot see through zod's
 * inferred object type while the item schema is still generic.
 */

/** A collection: `{ d: { results: [...], __count?, __next? } }`. */
export function odataCollection<T extends z.ZodType>(item: T): z.ZodType<ODataCollection<z.output<T>>> {
  return z.object({
    d: z.object({
      results: z.array(item),
      /** A string in OData v2 (`"42"`), with `$inlinecount=allpages` only. */
      __count: z.string().optional(),
      /** Server-driven paging: the URL of the next page. */
      __next: z.string().optional(),
    }),
  }) as z.ZodType<ODataCollection<z.output<T>>>;
}

/** A single entity: `{ d: {...} }`. */
export function odataEntity<T extends z.ZodType>(item: T): z.ZodType<{ d: z.output<T> }> {
  return z.object({ d: item }) as unknown as z.ZodType<{ d: z.output<T> }>;
}

/** The error body of every SAP service: `{ error: { code, message: { lang, value } } }`. */
export const odataErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.object({ lang: z.string().optional(), value: z.string() }),
    innererror: z.unknown().optional(),
  }),
});

// ---- API_BUSINESS_PARTNER ----
export const rawBusinessPartner = z.object({
  __metadata: metadata,
  BusinessPartner: z.string(),
  BusinessPartnerFullName: text,
  BusinessPartnerName: text,
  OrganizationBPName1: text,
  OrganizationBPName2: text,
  BusinessPartnerIDByExtSystem: text,
});
export type RawBusinessPartner = z.infer<typeof rawBusinessPartner>;
export const businessPartnerSelect = [
  'BusinessPartner',
  'BusinessPartnerFullName',
  'BusinessPartnerName',
  'OrganizationBPName1',
  'OrganizationBPName2',
  'BusinessPartnerIDByExtSystem',
];

// ---- API_SALES_ORDER_SRV ----
export const rawSalesOrder = z.object({
  __metadata: metadata,
  SalesOrder: z.string(),
  SoldToParty: text,
  PurchaseOrderByCustomer: text,
  /** Edm.Decimal as a string, e.g. "12.340". */
  TotalNetAmount: text,
  TransactionCurrency: text,
  /** Rejection status of all items: `C` = fully rejected (cancelled). */
  OverallSDDocumentRejectionSts: text,
});
export type RawSalesOrder = z.infer<typeof rawSalesOrder>;
export const salesOrderSelect = [
  'SalesOrder',
  'SoldToParty',
  'PurchaseOrderByCustomer',
  'TotalNetAmount',
  'TransactionCurrency',
  'OverallSDDocumentRejectionSts',
];

export const rawSalesOrderItem = z.object({
  __metadata: metadata,
  SalesOrder: z.string(),
  SalesOrderItem: z.string(),
  /** Empty or absent: the item is open. */
  SalesDocumentRjcnReason: text,
});
export type RawSalesOrderItem = z.infer<typeof rawSalesOrderItem>;
export const salesOrderItemSelect = ['SalesOrder', 'SalesOrderItem', 'SalesDocumentRjcnReason'];

// ---- API_MATERIAL_STOCK_SRV ----
/** One stock quantity per material, plant, storage location, batch, special stock and stock type. */
export const rawMaterialStock = z.object({
  Material: z.string(),
  Plant: text,
  StorageLocation: text,
  InventorySpecialStockType: text,
  InventoryStockType: text,
  /** Edm.Decimal as a string, scale 14 (e.g. "12.00000000000000"). */
  MatlWrhsStkQtyInMatlBaseUnit: text,
});
export type RawMaterialStock = z.infer<typeof rawMaterialStock>;
export const materialStockSelect = [
  'Material',
  'Plant',
  'StorageLocation',
  'InventorySpecialStockType',
  'InventoryStockType',
  'MatlWrhsStkQtyInMatlBaseUnit',
];
