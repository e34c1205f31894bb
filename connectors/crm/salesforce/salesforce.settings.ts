import { z } from 'zod';
import { authSettingsSchema } from '../../http';
import { DEFAULT_API_VERSION } from './salesforce.manifest';
import { resilienceSettingsShape } from '../../http/resilience-settings';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Bearer tokens travel only over TLS; plain http is accepted for local fakes (as for token URLs). */
const instanceUrl = z
  .url()
  .refine(
    (value) => {
      const url = new URL(value);
      return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
    },
    { message: 'must be an https:// URL (http:// only for localhost)' },
  )
  .transform((value) => value.replace(/\/+$/, ''));

/** A custom field's API name: it goes into URLs and SOQL, so nothing else may pass. */
const customField = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,38}__c$/, 'must be a custom field API name (…__c)');

/** Settings of a `crm/salesforce` instance; none is secret. Credentials live in `credentialsSchema`. */
export const settingsSchema = z.object({
  /** Rate limit and circuit breaker of this instance's HTTP client (connectors/http/resilience-settings.ts). */
  ...resilienceSettingsShape,
  /** The org's My Domain URL, e.g. `https://acme.my.salesforce.com` (the token response's instance_url). */
  instanceUrl,
  /** REST API version (default v60.0, Spring '24). */
  apiVersion: z
    .string()
    .regex(/^v\d{2,3}\.0$/, 'must look like v60.0')
    .default(DEFAULT_API_VERSION),
  /** Whole-request timeout (default 30 s). */
  timeoutMs: z.number().int().positive().max(120_000).default(30_000),
  /**
   * Contact field (External ID, unique, text or email) holding the lower-cased email of contacts
   * Junction creates: a new contact is created by upsert on it, so concurrent creates cannot
   * duplicate. Default `Junction_Email__c`.
   */
  contactExternalIdField: customField.default('Junction_Email__c'),
  /**
   * Account and Opportunity field (External ID, unique, text 64+) holding the SHA-256 (hex) of a
   * write's idempotency key. Default `Junction_Idempotency_Key__c`.
   */
  idempotencyField: customField.default('Junction_Idempotency_Key__c'),
  /** StageName of new opportunities (default `Prospecting`, a standard sales-process value). */
  opportunityStage: z.string().trim().min(1).max(255).default('Prospecting'),
  /** CloseDate of new opportunities: this many days after creation (default 30). */
  closeDateDays: z.number().int().min(0).max(3650).default(30),
  /**
   * Multi-currency orgs get each deal's CurrencyIsoCode; single-currency orgs (default) accept
   * only deals in `corporateCurrency` and refuse others before sending anything.
   */
  multiCurrency: z.boolean().default(false),
  corporateCurrency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO-4217 code')
    .default('USD'),
  /** LastName of a new contact upserted without one (Salesforce requires it). Default `[not provided]`. */
  missingLastName: z.string().trim().min(1).max(80).default('[not provided]'),
});
export type SalesforceSettings = z.infer<typeof settingsSchema>;

/** The token flows Salesforce connected apps offer for server-to-server access. */
export const SALESFORCE_AUTH_TYPES = ['oauth2ClientCredentials', 'jwtBearer'] as const;

/**
 * Write-only credentials: the shared auth factory's settings, limited to the two flows above
 * (`{ type: 'oauth2ClientCredentials', tokenUrl, clientId, clientSecret }` or
 * `{ type: 'jwtBearer', tokenUrl, clientId, username, privateKeyPem, audience }`).
 */
export const credentialsSchema = authSettingsSchema.refine(
  (auth) => (SALESFORCE_AUTH_TYPES as readonly string[]).includes(auth.type),
  {
    message: `must be one of ${SALESFORCE_AUTH_TYPES.join(', ')}`,
    path: ['type'],
  },
);
export type SalesforceCredentials = z.infer<typeof credentialsSchema>;
