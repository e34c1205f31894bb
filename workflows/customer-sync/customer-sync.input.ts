import { z } from 'zod';

/**
 * Input of `customerSync` as callers give it; validates `POST /v1/runs` and is served as JSON Schema. Everything is
 * optional: `{}` syncs the CRM `crm.main` into the ERP `erp.main` under the name `default`.
 */
export const customerSyncInputSchema = z
  .object({
    /** Names the sync: its cursor is stored under it and its workflow ID is `customer-sync-<syncName>`. */
    syncName: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'letters, digits, . _ - (max 100), starting with a letter or digit')
      .optional(),
    /** Connector instances; defaults come from the worker's configuration (crm.main, erp.main, email.main). */
    connectors: z
      .object({
        crm: z.string().min(1).optional(),
        erp: z.string().min(1).optional(),
        email: z.string().min(1).optional(),
      })
      .optional(),
    /** Contacts per CRM page (default 100; vendors may cap it lower: HubSpot 100). */
    pageSize: z.number().int().min(1).max(1000).optional(),
    /** ERP upserts in flight at once within a page (default 8). */
    concurrency: z.number().int().min(1).max(64).optional(),
    /** Pages per run before the workflow continues as new, which bounds its history (default 20). */
    pagesPerRun: z.number().int().min(1).max(500).optional(),
    /** Who gets the summary email at the end; none when absent. */
    reportTo: z.array(z.email()).min(1).max(50).optional(),
  })
  .strict();

/** What a caller may ask for; the workflow's own input adds the state it carries (customer-sync.types.ts). */
export type CustomerSyncRequest = z.infer<typeof customerSyncInputSchema>;
