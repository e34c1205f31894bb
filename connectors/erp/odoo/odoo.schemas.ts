/**
 * Raw Odoo JSON-RPC payloads (zod). Odoo answers `false` for an empty field and `[id, name]`
 * for a many2one. Vendor types stop at the mappers.
 */
import { z } from 'zod';

export const rpcError = z.object({
  code: z.number(),
  message: z.string(),
  data: z
    .object({ name: z.string().optional(), message: z.string().optional(), debug: z.string().optional() })
    .optional(),
});
export type OdooRpcError = z.infer<typeof rpcError>;

export const rpcEnvelope = z.object({
  jsonrpc: z.literal('2.0'),
  id: z.union([z.number(), z.string(), z.null()]).optional(),
  result: z.unknown().optional(),
  error: rpcError.optional(),
});

/** `create` with one dict answers an id (older servers: a one-element list). */
export const createdId = z.union([
  z.number().int().positive(),
  z.tuple([z.number().int().positive()]).transform(([id]) => id),
]);

const text = z.union([z.string(), z.literal(false)]);
const many2one = z.union([z.tuple([z.number().int(), z.string()]), z.literal(false)]);
const record = { id: z.number().int().positive() };

export const partnerRow = z.object({ ...record, name: text, email: text, ref: text });
export const productRow = z.object({ ...record, default_code: text });
export const quantRow = z.object({
  ...record,
  product_id: many2one,
  quantity: z.number(),
  reserved_quantity: z.number(),
});
export const pricelistRow = z.object({ ...record, currency_id: many2one });
export const currencyRow = z.object({ ...record, name: z.string() });
export const salesOrderRow = z.object({
  ...record,
  name: z.string(),
  client_order_ref: text,
  state: z.string(),
  amount_total: z.number(),
  currency_id: many2one,
  partner_id: many2one,
});
export const salesOrderLineRow = z.object({
  ...record,
  product_id: many2one,
  product_uom_qty: z.number(),
  price_unit: z.number(),
});
export const invoiceRow = z.object({
  ...record,
  name: text,
  /** `out_invoice` for customer invoices; account.move also holds bills, refunds and entries. */
  move_type: z.string(),
  /** draft → posted; cancel (reached from draft; a posted move is reset to draft first). */
  state: z.string(),
  ref: text,
  invoice_origin: text,
  amount_total: z.number(),
  currency_id: many2one,
  create_date: z.string(),
});
export const purchaseOrderRow = z.object({ ...record, name: z.string(), partner_ref: text, state: z.string() });

export type PartnerRow = z.infer<typeof partnerRow>;
export type SalesOrderRow = z.infer<typeof salesOrderRow>;
export type SalesOrderLineRow = z.infer<typeof salesOrderLineRow>;
export type InvoiceRow = z.infer<typeof invoiceRow>;
export type PurchaseOrderRow = z.infer<typeof purchaseOrderRow>;

/** The fields read for each row type: exactly the keys of its schema. */
export function fieldsOf(schema: z.ZodObject): string[] {
  return Object.keys(schema.shape).filter((field) => field !== 'id');
}

// ---- requests ----
/** A domain: `[field, operator, value]` leaves, optionally with prefix '&' '|' '!'. */
export type OdooDomain = (string | [string, string, unknown])[];
/** x2many commands: (0, 0, values) creates a linked record, (6, 0, ids) replaces the links. */
export type X2ManyCommand = [0, 0, Record<string, unknown>] | [6, 0, number[]];
