/**
 * SAP S/4HANA provider facts, as data: auth modes, the OData v2 services and
 * their paths, paging, the CSRF protocol and what these APIs cannot do.
 */
import type { ErpOperation } from '../../spi';

export type SapService = 'businessPartner' | 'salesOrder' | 'materialStock';

export interface SapServiceFacts {
  /** Path below the system's base URL (the `servers` entry of each spec). */
  readonly path: string;
  /** Writes need an `x-csrf-token`; read-only services never fetch one. */
  readonly writes: boolean;
  /**
   * A cheap GET the spec describes, used to fetch the CSRF token and as the health check. SAP
   * hands out a token on any GET; the service document (`/`) would do on a real system, but the
   * specs do not describe it, so a validating mock could not answer it.
   */
  readonly probe: { readonly path: string; readonly query: Readonly<Record<string, string>> };
}

export const sapManifest = {
  kind: 'erp',
  vendor: 'sap-s4hana',
  /** Communication users (basic) today; OAuth2 arrives through the shared auth factory. */
  authModes: ['basic'] as const,
  /** ABAP client of every request, when the instance names one. */
  clientQueryParam: 'sap-client',
  services: {
    businessPartner: {
      path: '/sap/opu/odata/sap/API_BUSINESS_PARTNER',
      writes: true,
      probe: { path: 'A_BusinessPartner', query: { $top: '0' } },
    },
    salesOrder: {
      path: '/sap/opu/odata/sap/API_SALES_ORDER_SRV',
      writes: true,
      probe: { path: 'A_SalesOrder', query: { $top: '0' } },
    },
    materialStock: {
      path: '/sap/opu/odata/sap/API_MATERIAL_STOCK_SRV',
      writes: false,
      probe: { path: 'A_MatlStkInAcctMod', query: { $top: '0' } },
    },
  } satisfies Record<SapService, SapServiceFacts>,
  paging: {
    /** Client-driven `$top`/`$skip`; a server-driven `d.__next` link wins when present. */
    style: 'top-skip',
    nextLink: '__next',
    defaultPageSize: 100,
    /** A listing that has not ended after this many pages is a vendor bug, not data. */
    maxPages: 1000,
  },
  csrf: {
    header: 'x-csrf-token',
    fetchValue: 'Fetch',
    /** SAP answers 403 with this header value when the token is missing or expired. */
    requiredValue: 'Required',
  },
  /**
   * Operations outside API_BUSINESS_PARTNER, API_SALES_ORDER_SRV and API_MATERIAL_STOCK_SRV:
   * billing documents (API_BILLING_DOCUMENT_SRV) and purchase orders (API_PURCHASEORDER_PROCESS_SRV)
   * are other services with no spec here. They throw UNSUPPORTED instead of being faked.
   */
  unsupported: [
    'createInvoice',
    'cancelInvoice',
    'listInvoices',
    'createPurchaseOrder',
  ] as const satisfies readonly ErpOperation[],
  /**
   * OData v2 has no idempotency header: every create looks up its natural key first.
   * Business partner: `BusinessPartnerIDByExtSystem` = a digest of the e-mail address.
   * Sales order: `PurchaseOrderByCustomer` (+ `SoldToParty`) = the order's external reference.
   */
  idempotency: 'lookup-before-write',
} as const;
