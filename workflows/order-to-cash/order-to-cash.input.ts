import { z } from 'zod';

const currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO-4217 code in upper case, e.g. EUR');

export const orderLineSchema = z.object({
  sku: z.string().min(1).max(64),
  quantity: z.number().int().positive().max(100_000),
  /** Price of one unit in the currency's minor unit (cents). */
  unitAmount: z.number().int().nonnegative().max(100_000_000),
});

/** Input of `orderToCash`; validates `POST /v1/runs` and is served as JSON Schema. */
export const orderToCashInputSchema = z
  .object({
    orderId: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'letters, digits, . _ - (max 100), starting with a letter or digit'),
    customer: z.object({
      email: z.email(),
      firstName: z.string().min(1).max(100),
      lastName: z.string().min(1).max(100),
      company: z.string().max(200).optional(),
      phone: z.string().max(40).optional(),
    }),
    currency,
    lines: z.array(orderLineSchema).min(1).max(500),
    payment: z.object({
      /** Token from the shop's payment page; Junction never sees card numbers. */
      token: z.string().min(1).max(255),
    }),
    /**
     * Who raises the invoice: `connector` calls the ERP's createInvoice; `erp-billing-run` leaves
     * it to the ERP's own billing run (SAP S/4HANA bills sales orders from its billing due list),
     * so the run skips the step and the confirmation carries no invoice number. The API chooses
     * `erp-billing-run` when the input names none and the ERP instance declares createInvoice unsupported.
     */
    invoicing: z.enum(['connector', 'erp-billing-run']).optional(),
    /** Connector instances per step; defaults come from the worker's configuration. */
    connectors: z
      .object({
        crm: z.string().min(1).optional(),
        erp: z.string().min(1).optional(),
        payment: z.string().min(1).optional(),
        email: z.string().min(1).optional(),
      })
      .optional(),
  })
  .strict();

export type OrderToCashInput = z.infer<typeof orderToCashInputSchema>;
