/**
 * Microsoft Dynamics 365 Business Central provider facts, as data: auth, URLs,
 * paging, rate limits, idempotency and what API v1.0 cannot do.
 */
import type { ErpOperation } from '../../spi';

export const bcManifest = {
  kind: 'erp',
  vendor: 'business-central',
  apiVersion: 'v1.0',
  /** Service-to-service (S2S) access: an Entra ID app with the client-credentials grant. */
  auth: {
    mode: 'oauth2ClientCredentials',
    tokenUrl: 'https://login.microsoftonline.com/{tenantId}/oauth2/v2.0/token',
    scope: 'https://api.businesscentral.dynamics.com/.default',
  },
  /** Where tokens and client secrets may be sent: the BC API and Entra ID's token endpoint (connectors/registry/destination-rules.ts). */
  hosts: ['api.businesscentral.dynamics.com', 'login.microsoftonline.com'],
  /** The tenant names the token endpoint and the API root: it binds the credentials like a URL does. */
  destinationSettings: ['tenantId'],
  /** Every entity lives below `/companies({companyId})`. */
  baseUrl: 'https://api.businesscentral.dynamics.com/v2.0/{tenantId}/{environment}/api/v1.0',
  paging: {
    /**
     * Server-driven: `Prefer: odata.maxpagesize=<n>` and the `@odata.nextLink` of each page (a
     * `$skiptoken`, stable while records are added, unlike `$skip`). The spec describes neither.
     */
    style: 'nextLink',
    nextLink: '@odata.nextLink',
    preferHeader: 'odata.maxpagesize',
    defaultPageSize: 100,
    maxPageSize: 20_000,
  },
  /** BC throttles per user and environment: 429 with `Retry-After`, which the HTTP client honours. */
  rateLimitHeaders: { retryAfter: 'retry-after' },
  /** Optimistic concurrency: PATCH and DELETE send the record's `@odata.etag` as If-Match. */
  etag: { field: '@odata.etag', header: 'If-Match', any: '*' },
  /** Field lengths of the v1.0 entities that carry our keys. */
  limits: { externalDocumentNumber: 35, customerEmail: 80, customerDisplayName: 100, itemNumber: 20 },
  /**
   * v1.0 has no idempotency header: every create looks up a natural key first.
   * Customer: `email`. Sales order: `externalDocumentNumber` (our external reference) + `customerId`.
   * Invoice: the posted invoice whose `orderId` is the sales order.
   */
  idempotency: 'lookup-before-write',
  /** API v1.0 has no purchaseOrders entity (only purchaseInvoices): not faked. */
  unsupported: ['createPurchaseOrder'] as const satisfies readonly ErpOperation[],
} as const;
