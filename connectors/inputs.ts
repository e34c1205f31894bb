/**
 * Validation of SPI inputs shared by every vendor, as a vendor's API would do it: a bad input is a
 * non-retryable INVALID_REQUEST naming the field, never a database error.
 */
import { z } from 'zod';
import { invalidRequest } from './connector-error';

const email = z.string().trim().toLowerCase().pipe(z.email());
const text = z.string().trim().min(1).max(255);
const currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO-4217 code in upper case');
const money = z.object({ amount: z.number().int().min(0), currency });
const line = z.object({ sku: text, quantity: z.number().int().positive(), unitAmount: z.number().int().min(0) });

export const contactInput = z.object({
  email,
  firstName: text.optional(),
  lastName: text.optional(),
  phone: text.optional(),
  company: text.optional(),
});
export const companyInput = z.object({
  name: text,
  domain: z.string().trim().toLowerCase().min(1).max(255).optional(),
});
export const dealInput = z.object({ name: text, contactId: text, amount: money });
export const customerInput = z.object({ email, name: text, crmContactId: text.optional() });
export const skusInput = z.array(text).max(1000);
export const salesOrderInput = z.object({
  externalReference: text,
  customerId: text,
  currency,
  lines: z.array(line).min(1).max(500),
});
export const invoiceInput = z.object({ salesOrderId: text, customerId: text, total: money });
export const purchaseOrderInput = z.object({
  externalReference: text,
  supplier: text,
  currency,
  lines: z.array(line).min(1).max(500),
});
export const authorizationInput = z.object({
  amount: z.object({ amount: z.number().int().positive(), currency }),
  paymentMethodToken: text,
  customerReference: text,
  description: z.string().max(1000).optional(),
});
/** null means "the whole remaining amount". */
export const partialAmount = z.number().int().positive().nullable();
export const pageSizeInput = z.number().int().min(1).max(1000);
export const idempotencyKeyInput = z.string().min(1).max(1000);
export const timeWindowInput = z
  .object({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) })
  .refine((w) => Date.parse(w.from) <= Date.parse(w.to), 'from must not be after to');

/** Parses or throws INVALID_REQUEST with the first problem, e.g. `email: Invalid email address`. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, instance: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw invalidRequest(instance, `${where}${issue?.message ?? 'invalid input'}`);
}

/** Drops undefined fields so an upsert never blanks a field the caller did not send. */
export function definedFields<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
