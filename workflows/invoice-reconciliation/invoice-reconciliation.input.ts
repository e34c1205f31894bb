import { z } from 'zod';

const DAY_MS = 86_400_000;
/** Longest window one run reconciles: one quarter. */
export const MAX_WINDOW_DAYS = 92;

export const reconciliationPeriodSchema = z.enum(['previousDay', 'previousWeek', 'previousMonth']);
export type ReconciliationPeriod = z.infer<typeof reconciliationPeriodSchema>;

const windowSchema = z
  .object({
    /** Inclusive ISO-8601 instant, e.g. 2024-01-01T00:00:00Z. */
    from: z.iso.datetime({ offset: true }),
    /** Exclusive ISO-8601 instant; a window that has not ended yet is reconciled when it ends. */
    to: z.iso.datetime({ offset: true }),
  })
  .strict()
  .refine((w) => Date.parse(w.from) < Date.parse(w.to), { message: 'from must be before to', path: ['to'] })
  .refine((w) => Date.parse(w.to) - Date.parse(w.from) <= MAX_WINDOW_DAYS * DAY_MS, {
    message: `the window may span at most ${MAX_WINDOW_DAYS} days`,
    path: ['to'],
  });

/**
 * Input of `invoiceReconciliation`; validates `POST /v1/runs` and is served as JSON Schema.
 * Exactly one of `window` (an explicit window) or `period` (the last full UTC day, week or month
 * before the run's scheduled or actual start: what a Temporal Schedule passes) is given.
 */
export const invoiceReconciliationInputSchema = z
  .object({
    window: windowSchema.optional(),
    period: reconciliationPeriodSchema.optional(),
    /** Who receives the report email with its CSV attachment. */
    reportTo: z.array(z.email()).min(1).max(50),
    /**
     * Largest difference, in the currency's minor unit, still counted as matched (bank fees,
     * rounding). Default 0: exact amounts only.
     */
    tolerance: z.number().int().min(0).max(1_000_000).optional(),
    /** Connector instances; defaults erp.main, payment.main, email.main. Other kinds are dropped. */
    connectors: z
      .object({
        erp: z.string().min(1).optional(),
        payment: z.string().min(1).optional(),
        email: z.string().min(1).optional(),
      })
      .optional(),
  })
  .strict()
  .refine((input) => (input.window === undefined) !== (input.period === undefined), {
    message: 'give exactly one of window or period',
    path: ['window'],
  });

export type InvoiceReconciliationInput = z.infer<typeof invoiceReconciliationInputSchema>;
