/**
 * Raw HubSpot CRM v3 payloads (zod). Vendor types stop at the mappers; every response is parsed
 * with one of these before use. Unknown fields are stripped, not rejected: HubSpot adds fields.
 */
import { z } from 'zod';

/** Property values come back as strings, or null when unset. */
export const hubspotProperties = z.record(z.string(), z.string().nullable());

export const hubspotObject = z.object({
  id: z.string().min(1),
  properties: hubspotProperties,
  createdAt: z.string(),
  updatedAt: z.string(),
  archived: z.boolean().optional(),
});
export type HubSpotObject = z.infer<typeof hubspotObject>;

export const hubspotPaging = z.object({
  next: z.object({ after: z.string().min(1), link: z.string().optional() }).optional(),
});

export const hubspotSearchResponse = z.object({
  total: z.number().int().nonnegative(),
  results: z.array(hubspotObject),
  paging: hubspotPaging.optional(),
});
export type HubSpotSearchResponse = z.infer<typeof hubspotSearchResponse>;

export const hubspotListResponse = z.object({ results: z.array(hubspotObject), paging: hubspotPaging.optional() });

/** 200 when every input succeeded, 207 (multi-status) with `errors` when some did not. */
export const hubspotBatchResponse = z.object({
  status: z.string(),
  results: z.array(hubspotObject.extend({ new: z.boolean().optional() })),
  errors: z
    .array(z.object({ status: z.string().optional(), category: z.string().optional(), message: z.string() }))
    .optional(),
  numErrors: z.number().int().optional(),
});

/**
 * HubSpot's error body. On a 429 `policyName` names the limit that was hit (TEN_SECONDLY_ROLLING,
 * SECONDLY, DAILY) and `errorType` / `category` say RATE_LIMIT(S).
 */
export const hubspotErrorBody = z.object({
  status: z.string().optional(),
  message: z.string().optional(),
  category: z.string().optional(),
  errorType: z.string().optional(),
  policyName: z.string().optional(),
  correlationId: z.string().optional(),
});

// ---- requests (typed so the client cannot build a shape HubSpot rejects) ----
export type HubSpotOperator = 'EQ' | 'NEQ' | 'GT' | 'GTE' | 'LT' | 'LTE' | 'IN' | 'NOT_IN' | 'HAS_PROPERTY';
export type HubSpotFilter = { propertyName: string; operator: HubSpotOperator; value?: string; values?: string[] };
export interface HubSpotSearchRequest {
  filterGroups: { filters: HubSpotFilter[] }[];
  sorts: { propertyName: string; direction: 'ASCENDING' | 'DESCENDING' }[];
  properties: string[];
  limit: number;
  after?: string;
}
export interface HubSpotAssociation {
  to: { id: string };
  types: { associationCategory: 'HUBSPOT_DEFINED'; associationTypeId: number }[];
}
export interface HubSpotCreateRequest {
  properties: Record<string, string>;
  associations?: HubSpotAssociation[];
}
export interface HubSpotUpsertInput {
  idProperty: string;
  id: string;
  properties: Record<string, string>;
}
