import { z } from 'zod';
import { resilienceSettingsShape } from '../../http/resilience-settings';

/** Settings of an `erp/odoo` instance (connectors.yaml or the API); none is secret. */
export const odooSettingsSchema = z.object({
  /** Rate limit and circuit breaker of this instance's HTTP client (connectors/http/resilience-settings.ts). */
  ...resilienceSettingsShape,
  /** The server, e.g. https://mycompany.odoo.com (JSON-RPC is posted to `/jsonrpc` there). */
  baseUrl: z.url({ protocol: /^https?$/ }),
  /** The database name (on Odoo Online: the instance name). */
  db: z.string().min(1),
  /** The login of the integration user, usually an email. */
  login: z.string().min(1),
  /** Whole-request timeout (default 30 s). */
  timeoutMs: z.number().int().positive().max(120_000).default(30_000),
  /** Invoices per listInvoices page, whose SPI takes no page size (default 100). */
  pageSize: z.number().int().min(1).max(1000).default(100),
  /** Confirm sales orders on creation (quotation → order, which reserves stock). Default true. */
  confirmSalesOrders: z.boolean().default(true),
  /** Confirm purchase orders on creation (RFQ → purchase order). Default true. */
  confirmPurchaseOrders: z.boolean().default(true),
  /** Post invoices on creation, which gives them their number. Default true. */
  postInvoices: z.boolean().default(true),
});
export type OdooSettings = z.infer<typeof odooSettingsSchema>;

/** Stored encrypted, never logged, never returned by the API. */
export const odooCredentialsSchema = z.object({
  /** An API key of the `login` user; Odoo accepts it wherever the password goes. */
  apiKey: z.string().min(1),
});
export type OdooCredentials = z.infer<typeof odooCredentialsSchema>;
