/**
 * HubSpot provider facts, as data (STYLE habit 7): auth modes, base URL, paging, rate limits and
 * the CRM v3 ids this connector relies on. Sources: developers.hubspot.com CRM v3 reference
 * (objects, search, batch upsert, associations) and the API usage / error-response guides.
 */
export const hubspotManifest = {
  kind: 'crm',
  vendor: 'hubspot',
  baseUrl: 'https://api.hubapi.com',
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
    headers: [
      'X-HubSpot-RateLimit-Max',
      'X-HubSpot-RateLimit-Remaining',
      'X-HubSpot-RateLimit-Interval-Milliseconds',
      'X-HubSpot-RateLimit-Daily',
      'X-HubSpot-RateLimit-Daily-Remaining',
    ],
    /**
     * The wait used when a 429 carries no Retry-After: one rolling window of the burst limit
     * (private apps: per 10 s). The shared HTTP layer reads Retry-After but not the HubSpot headers.
     */
    fallbackRetryAfterMs: 10_000,
  },
  /** HUBSPOT_DEFINED association type ids (v4 associations reference). */
  associationTypes: { dealToContact: 3 },
  /** Contacts may be addressed by email wherever an `idProperty` is accepted. */
  contactIdProperty: 'email',
} as const;

export type HubSpotObjectType = 'contacts' | 'companies' | 'deals';
