/**
 * Odoo provider facts, as data. Source: Odoo's "External API" reference
 * (odoo.com/documentation, developer/reference/external_api, versions 14–18): JSON-RPC at
 * `/jsonrpc`, services `common` (authenticate) and `object` (execute_kw), API keys used in
 * place of the password. Odoo 19 deprecates these endpoints (removal planned for Odoo 22).
 */
export const odooManifest = {
  kind: 'erp',
  vendor: 'odoo',
  endpoint: '/jsonrpc',
  auth: {
    /** The user's API key (Preferences → Account Security) is sent as the password of every execute_kw. */
    mode: 'api-key-in-body',
    uidFrom: 'common.authenticate(db, login, apiKey, {})',
  },
  /** search_read takes `offset` and `limit`; the cursor carries the offset. */
  paging: { style: 'offset', requestFields: ['offset', 'limit'] },
  /** Odoo itself has no rate limit; reverse proxies (Odoo.sh, nginx) answer 429/503 with Retry-After. */
  rateLimit: { status: 429, retryAfterHeader: 'Retry-After' },
  /** The `data.name` of JSON-RPC errors, i.e. the Python exception class. */
  exceptions: {
    accessDenied: 'odoo.exceptions.AccessDenied',
    accessError: 'odoo.exceptions.AccessError',
    validationError: 'odoo.exceptions.ValidationError',
    userError: 'odoo.exceptions.UserError',
    missingError: 'odoo.exceptions.MissingError',
  },
  models: {
    partner: 'res.partner',
    product: 'product.product',
    quant: 'stock.quant',
    pricelist: 'product.pricelist',
    currency: 'res.currency',
    salesOrder: 'sale.order',
    salesOrderLine: 'sale.order.line',
    invoice: 'account.move',
    purchaseOrder: 'purchase.order',
  },
} as const;
