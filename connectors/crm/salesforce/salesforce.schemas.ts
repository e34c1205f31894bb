/**
 * Raw Salesforce REST payloads (zod). Vendor types stop at the mappers; every response is parsed
 * with one of these before use. Unknown fields are stripped, not rejected: orgs add fields.
 */
import { z } from 'zod';

/** `[{ message, errorCode, fields }]`: the body of every failed call and failed composite subrequest. */
export const salesforceErrorBody = z.array(
  z.object({
    message: z.string(),
    errorCode: z.string(),
    fields: z.array(z.string()).optional(),
  }),
);
export type SalesforceErrorItem = z.infer<typeof salesforceErrorBody>[number];

const attributes = z.object({ type: z.string(), url: z.string().optional() });
const text = z.string().nullable().optional();

/** DateTime values come back as `2025-03-01T08:00:00.000+0000`. */
export const salesforceDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2})$/);

export const idRecord = z.object({ attributes: attributes.optional(), Id: z.string().min(15) });

export const contactRecord = z.object({
  attributes: attributes.optional(),
  Id: z.string().min(15),
  Email: text,
  FirstName: text,
  LastName: text,
  Phone: text,
  Account: z.object({ Name: text }).nullable().optional(),
  LastModifiedDate: salesforceDateTime,
});
export type ContactRecord = z.infer<typeof contactRecord>;

export const accountRecord = z.object({
  attributes: attributes.optional(),
  Id: z.string().min(15),
  Name: text,
  Website: text,
});
export type AccountRecord = z.infer<typeof accountRecord>;

export const opportunityRecord = z.object({ attributes: attributes.optional(), Id: z.string().min(15), Name: text });
export type OpportunityRecord = z.infer<typeof opportunityRecord>;

/** The Query and Query More Results resources. */
export function queryResult<R extends z.ZodType>(record: R) {
  return z.object({
    totalSize: z.number().int().nonnegative(),
    done: z.boolean(),
    nextRecordsUrl: z.string().optional(),
    records: z.array(record),
  });
}
export type QueryResult<T> = { totalSize: number; done: boolean; nextRecordsUrl?: string | undefined; records: T[] };

/** POST /sobjects/X, and PATCH by external ID (201 created, 200 updated since v46.0). */
export const saveResult = z.object({
  id: z.string().min(15),
  success: z.boolean(),
  errors: z.array(z.unknown()),
  created: z.boolean().optional(),
});

export const compositeResponse = z.object({
  compositeResponse: z.array(
    z.object({
      body: z.unknown(),
      httpHeaders: z.record(z.string(), z.string()).optional(),
      httpStatusCode: z.number().int(),
      referenceId: z.string(),
    }),
  ),
});
export type CompositeResponse = z.infer<typeof compositeResponse>;

// ---- requests (typed so the client cannot build a shape Salesforce rejects) ----
export type SalesforceFields = Record<string, string | number | boolean | null>;

export interface CompositeSubrequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  /** Letters, digits and underscores only. */
  referenceId: string;
  body?: SalesforceFields;
}
export interface CompositeRequest {
  allOrNone: boolean;
  compositeRequest: CompositeSubrequest[];
}
