/**
 * HubSpot provider facts, as data: auth modes, base URL, paging, rate limits and
 * the CRM v3 ids this connector relies on. Sources: developers.hubspot.com CRM v3 reference
 * (objects, search, batch upsert, associations) and the API usage / error-response guides.
 */
export const hubspotManifest = {
  kind: 'crm',
  vendor: 'hubspot',
  baseUrl: 'https://api.hubapi.com',
  /**
   * Where a token may be sent (connectors/registry/destination-rules.ts): the API and the OAuth
   * token endpoint both live on api.hubapi.com; api-eu1.hubapi.com serves EU-hosted accounts.
   */
  hosts: ['api.hubapi.com', 'api-eu1.hubapi.com'],
  auth: {
    /** A private app's access token, sent as `Authorization: Bearer …`. */
    privateApp: { mode: 'bearer' },
    /** Public apps: refresh-token grant; access tokens live 30 minutes. */
    oauth2: {
      mode: 'oauth2-refresh-token',
      tokenUrl: 'https://api.hubapi.com/oauth/v1/token',
      scopes: [
        'crm.objects.contacts.read',
        'crm.objects.contacts.write',
        'crm.objects.companies.read',
        'crm.objects.companies.write',
        'crm.objects.deals.read',
        'crm.objects.deals.write',
      ],
    },
  },
  paths: {
    objects: (type: HubSpotObjectType) => `/crm/v3/objects/${type}`,
    object: (type: HubSpotObjectType, id: string) => `/crm/v3/objects/${type}/${encodeURIComponent(id)}`,
    search: (type: HubSpotObjectType) => `/crm/v3/objects/${type}/search`,
    batchUpsert: (type: HubSpotObjectType) => `/crm/v3/objects/${type}/batch/upsert`,
  },
  search: {
    /** HubSpot allows up to 200 per search page; 100 keeps pages within every documented limit. */
    maxPageSize: 100,
    /** Paging a single search past this many results fails with 400. */
    maxResults: 10_000,
    /** Values of one IN / NOT_IN filter. */
    maxFilterValues: 100,
  },
  paging: { style: 'cursor', requestField: 'after', responseField: 'paging.next.after' },
  rateLimit: {
    status: 429,
    /** On every response of the objects APIs (OAuth apps get no Daily pair: they have no daily limit). */
    headers: {
      max: 'x-hubspot-ratelimit-max',
      remaining: 'x-hubspot-ratelimit-remaining',
      intervalMs: 'x-hubspot-ratelimit-interval-milliseconds',
      daily: 'x-hubspot-ratelimit-daily',
      dailyRemaining: 'x-hubspot-ratelimit-daily-remaining',
      secondly: 'x-hubspot-ratelimit-secondly',
      secondlyRemaining: 'x-hubspot-ratelimit-secondly-remaining',
    },
    /** `policyName` of a 429 body: which limit was hit. */
    policies: { burst: 'TEN_SECONDLY_ROLLING', secondly: 'SECONDLY', daily: 'DAILY' },
    /** The burst window when a response does not say (private apps: 10 s rolling). */
    defaultIntervalMs: 10_000,
    /** SECONDLY: a one-second window (the search API's own limit; its 429s may carry no headers). */
    secondlyWindowMs: 1_000,
    /**
     * DAILY: the limit resets at midnight in the portal's time zone, which the API does not tell
     * us. Waiting an hour and asking again costs one 429 an hour at most; an activity with a long
     * schedule-to-close timeout (compensationCall: 24 hours) thus resumes within an hour of the reset.
     */
    dailyRetryAfterMs: 60 * 60 * 1000,
    /** A 429 that names no known policy and carries neither Retry-After nor an interval: one burst window. */
    fallbackRetryAfterMs: 10_000,
  },
  /** HUBSPOT_DEFINED association type ids (v4 associations reference). */
  associationTypes: { dealToContact: 3 },
  /** Contacts may be addressed by email wherever an `idProperty` is accepted. */
  contactIdProperty: 'email',
} as const;

export type HubSpotObjectType = 'contacts' | 'companies' | 'deals';
