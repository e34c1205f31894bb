import { z } from 'zod';
import { sapManifest } from './sap.manifest';
import { resilienceSettingsShape } from '../../http/resilience-settings';
import { authSettingsSchema } from '../../http/auth/auth-from-settings';

const code = (max: number) => z.string().trim().min(1).max(max);
const httpUrl = z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/+$/, ''));

/** Settings of an `erp/sap-s4hana` instance. Credentials live apart, in `credentialsSchema`. */
export const settingsSchema = z.object({
  /** Rate limit and circuit breaker of this instance's HTTP client (connectors/http/resilience-settings.ts). */
  ...resilienceSettingsShape,
  /** The system's host, e.g. `https://my-s4.example.com`; service paths come from the manifest. */
  baseUrl: httpUrl,
  /** Per-service URLs that replace baseUrl + manifest path (API Management, one mock per spec). */
  serviceUrls: z
    .object({ businessPartner: httpUrl, salesOrder: httpUrl, materialStock: httpUrl })
    .partial()
    .default({}),
  /** The ABAP client (`sap-client`), e.g. `100`; omitted: the system's default client. */
  client: z
    .string()
    .regex(/^\d{3}$/, 'must be three digits')
    .optional(),
  /** The communication user. */
  username: z.string().min(1),
  /** Whole-request timeout (default 30 s); a sales order create can take seconds. */
  timeoutMs: z.number().int().positive().default(30_000),
  /** `$top` of every listing (default 100). */
  pageSize: z.number().int().min(1).max(5000).default(sapManifest.paging.defaultPageSize),
  /** The sales area and document type every order is created in. */
  salesOrder: z.object({
    /** Default `OR` (standard order). */
    type: code(4).default('OR'),
    salesOrganization: code(4),
    distributionChannel: code(2),
    division: code(2),
    /**
     * Price condition that carries our unit price on each item (default `PPR0`, the S/4HANA
     * standard; `PR00` in classic pricing). null: send no price and let SAP's pricing decide.
     */
    priceCondition: code(4).nullable().default('PPR0'),
    /** Reason for rejection set on every item to cancel an order (customizing OVAG; default `10`). */
    rejectionReason: code(2).default('10'),
  }),
  /** How new business partners are created. */
  customer: z.object({
    /** Roles given to a new partner (default FI customer + sales customer). */
    roles: z.array(code(6)).min(1).default(['FLCU00', 'FLCU01']),
    /** ISO 3166 country of the partner's (e-mail) address; SAP requires one per address. */
    country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 code'),
  }),
  /** Which stock counts as available. */
  stock: z
    .object({
      /** Plants to sum over; empty: every plant. */
      plants: z.array(code(4)).default([]),
      /** InventoryStockType counted (default `01`, unrestricted use). */
      stockType: code(2).default('01'),
    })
    .default({ plants: [], stockType: '01' }),
});

/** Write-only secrets of an instance: never logged, never returned by the API. */
/** The communication user's password (basic auth), or an OAuth2 client-credentials flow. */
export const credentialsSchema = z.union([
  z.object({ password: z.string().min(1) }).strict(),
  authSettingsSchema.refine((auth) => auth.type === 'oauth2ClientCredentials', {
    message: 'SAP OAuth2 uses type oauth2ClientCredentials',
    path: ['type'],
  }),
]);

export type SapSettings = z.infer<typeof settingsSchema>;
export type SapCredentials = z.infer<typeof credentialsSchema>;
