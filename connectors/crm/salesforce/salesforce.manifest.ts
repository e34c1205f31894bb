/**
 * Salesforce provider facts, as data: auth modes, base URL, paging, rate-limit
 * headers, the error codes the connector distinguishes, and the REST paths it calls. Sources:
 * developer.salesforce.com — REST API Developer Guide (sObject Rows by External ID, Query and
 * Query More Results, Composite, Query Options and Limit Info headers, Status Codes and Error
 * Responses), SOQL and SOSL Reference (quoted string escapes, date formats) and the OAuth 2.0
 * client-credentials and JWT bearer flows.
 */
import { ConnectorErrorCode } from '../../connector-error-codes';

export const DEFAULT_API_VERSION = 'v60.0';

export const salesforceManifest = {
  kind: 'crm',
  vendor: 'salesforce',
  /**
   * Every org has its own host (`https://MyDomainName.my.salesforce.com`). The token response
   * names it as `instance_url`, but an AuthInjector yields headers only, so the instance URL is
   * a setting (`instanceUrl`) and the token flow provides the token alone.
   */
  baseUrl: { setting: 'instanceUrl', tokenResponseField: 'instance_url' },
  /**
   * Where tokens and client secrets may be sent (connectors/registry/destination-rules.ts): My
   * Domain hosts (`acme.my.salesforce.com`, sandboxes `acme--uat.sandbox.my.salesforce.com`), the
   * login hosts (`login.salesforce.com`, `test.salesforce.com`) and the older `*.force.com` ones.
   * Every org, an attacker's Developer Edition included, lives under these: the credentials
   * binding of the API, not this list, is what keeps a token in its org.
   */
  hosts: ['*.salesforce.com', '*.force.com'],
  auth: {
    /** Connected app with the client-credentials flow enabled and a run-as user; token URL on the My Domain host. */
    clientCredentials: { mode: 'oauth2ClientCredentials', tokenPath: '/services/oauth2/token' },
    /** Connected app with a certificate: RS256 assertion, aud = login.salesforce.com / test.salesforce.com / My Domain. */
    jwtBearer: { mode: 'jwtBearer', tokenPath: '/services/oauth2/token' },
    /** Salesforce sends no expires_in: the token is kept until a 401 INVALID_SESSION_ID, then renewed once. */
    expiresIn: 'absent',
  },
  paths: {
    query: (version: string) => `/services/data/${version}/query`,
    composite: (version: string) => `/services/data/${version}/composite`,
    sobjects: (version: string, type: SalesforceObject) => `/services/data/${version}/sobjects/${type}`,
    record: (version: string, type: SalesforceObject, id: string) =>
      `/services/data/${version}/sobjects/${type}/${encodeURIComponent(id)}`,
    byExternalId: (version: string, type: SalesforceObject, field: string, value: string) =>
      `/services/data/${version}/sobjects/${type}/${field}/${encodeURIComponent(value)}`,
  },
  /** The value segment of an sObject-rows-by-External-ID path (an email, a key hash): kept out of logs and messages. */
  externalIdValue: /(\/sobjects\/\w+\/\w+__c\/)[^/?#]+/,
  /** A nextRecordsUrl as the Query resource returns it: `/services/data/v60.0/query/01gxx…-2000`. */
  queryLocatorPath: /^\/services\/data\/v\d{2,3}\.0\/query\/[A-Za-z0-9]+-\d+$/,
  paging: {
    style: 'query-locator',
    responseField: 'nextRecordsUrl',
    /** `Sforce-Query-Options: batchSize=n`: 200..2000, default 2000, and only a hint. */
    batchSizeHeader: 'Sforce-Query-Options',
    minBatchSize: 200,
    maxBatchSize: 2000,
  },
  composite: { maxSubrequests: 25, haltedErrorCode: 'PROCESSING_HALTED' },
  rateLimit: {
    /** `api-usage=used/limit` on every response: the org's rolling 24-hour API request budget. */
    usageHeader: 'Sforce-Limit-Info',
    /** 403 REQUEST_LIMIT_EXCEEDED carries no Retry-After; activities wait at least this long. */
    fallbackRetryAfterMs: 5 * 60_000,
  },
  /** Record id prefixes (key prefixes) of the objects used, for cheap local id checks. */
  idPrefixes: { Account: '001', Contact: '003', Opportunity: '006' },
} as const;

export type SalesforceObject = 'Account' | 'Contact' | 'Opportunity' | 'OpportunityContactRole';

/**
 * Salesforce `errorCode`s that need another class than their HTTP status gives; codes not
 * listed keep the status's class (400 → INVALID_REQUEST, 404 → NOT_FOUND, 5xx → retryable).
 */
export const SALESFORCE_ERROR_CODES: Readonly<Record<string, { code: ConnectorErrorCode; retryable: boolean }>> = {
  REQUEST_LIMIT_EXCEEDED: { code: ConnectorErrorCode.RateLimited, retryable: true },
  INVALID_SESSION_ID: { code: ConnectorErrorCode.Unauthorized, retryable: false },
  DUPLICATE_VALUE: { code: ConnectorErrorCode.InvalidRequest, retryable: false },
  FIELD_CUSTOM_VALIDATION_EXCEPTION: { code: ConnectorErrorCode.InvalidRequest, retryable: false },
  REQUIRED_FIELD_MISSING: { code: ConnectorErrorCode.InvalidRequest, retryable: false },
  /** A referenced record (ContactId, AccountId) does not exist or is not visible. */
  INVALID_CROSS_REFERENCE_KEY: { code: ConnectorErrorCode.NotFound, retryable: false },
  ENTITY_IS_DELETED: { code: ConnectorErrorCode.NotFound, retryable: false },
  /** Record-lock contention between concurrent transactions: a later attempt succeeds. */
  UNABLE_TO_LOCK_ROW: { code: ConnectorErrorCode.VendorUnavailable, retryable: true },
  API_DISABLED_FOR_ORG: { code: ConnectorErrorCode.Misconfigured, retryable: false },
};
