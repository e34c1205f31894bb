import { z } from 'zod';
import { bcManifest } from './bc.manifest';
import { resilienceSettingsShape } from '../../http/resilience-settings';

const httpUrl = z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/+$/, ''));

/** Settings of an `erp/business-central` instance. Credentials live apart, in `credentialsSchema`. */
export const settingsSchema = z.object({
  /** Rate limit and circuit breaker of this instance's HTTP client (connectors/http/resilience-settings.ts). */
  ...resilienceSettingsShape,
  /** The Entra ID tenant: its GUID or a domain such as `contoso.onmicrosoft.com`. */
  tenantId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.-]*$/, 'must be a tenant GUID or domain name'),
  /** The BC environment, e.g. `production` or `sandbox`. */
  environment: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'must be an environment name'),
  /** The company's id (GET /companies). */
  companyId: z.guid(),
  /** API root up to `/api/v1.0` (default from tenantId and environment; a mock or proxy replaces it). */
  baseUrl: httpUrl.optional(),
  /** OAuth2 token endpoint (default: Entra ID v2.0 of the tenant). */
  tokenUrl: httpUrl.optional(),
  /** Default `https://api.businesscentral.dynamics.com/.default`. */
  scope: z.string().min(1).default(bcManifest.auth.scope),
  /**
   * The company's local currency (LCY), ISO 4217. BC leaves `currencyCode` empty on documents in
   * LCY, so amounts could not be labelled without it.
   */
  localCurrency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO-4217 code in upper case'),
  /** Whole-request timeout (default 30 s): posting a document can take seconds. */
  timeoutMs: z.number().int().positive().default(30_000),
  /** Records per page of a listing (`odata.maxpagesize`, default 100). */
  pageSize: z.number().int().min(1).max(bcManifest.paging.maxPageSize).default(bcManifest.paging.defaultPageSize),
  invoice: z
    .object({
      /**
       * Also e-mail the posted invoice from BC (`Microsoft.NAV.send`; default false). Needs BC's
       * e-mail setup, and a retry cannot tell whether an earlier attempt sent it; Junction's own
       * order confirmation names the invoice number either way.
       */
      send: z.boolean().default(false),
    })
    .default({ send: false }),
});

/** Write-only secrets of an instance: never logged, never returned by the API. */
export const credentialsSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
});

export type BcSettings = z.infer<typeof settingsSchema>;
export type BcCredentials = z.infer<typeof credentialsSchema>;

/** The URLs an instance talks to, with the manifest's templates filled in. */
export interface BcEndpoints {
  /** `…/api/v1.0`: request paths start with `companies(<id>)/` below it. */
  apiRoot: string;
  tokenUrl: string;
}

const fill = (template: string, settings: BcSettings) =>
  template
    .replace('{tenantId}', encodeURIComponent(settings.tenantId))
    .replace('{environment}', encodeURIComponent(settings.environment));

export function bcEndpoints(settings: BcSettings): BcEndpoints {
  const apiRoot = settings.baseUrl ?? fill(bcManifest.baseUrl, settings);
  return { apiRoot, tokenUrl: settings.tokenUrl ?? fill(bcManifest.auth.tokenUrl, settings) };
}
