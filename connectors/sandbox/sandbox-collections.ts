/**
 * The sandbox vendor's document collections: the shape each stores in sandbox_records.data,
 * and the SPI shapes its operations answer with (kept in receipts so a replay answers the same).
 * Everything read back from MySQL is parsed, never cast.
 */
import { z } from 'zod';
import type { Account, Contact, Customer, Deal, Invoice, Payment, PurchaseOrder, SalesOrder } from '../spi';

export interface SandboxCollection<T> {
  /** The value of sandbox_records.collection. */
  readonly name: string;
  /** Record IDs look like `<prefix>_<20 hex>`, as vendors' do (`so_…`, `pay_…`). */
  readonly idPrefix: string;
  readonly schema: z.ZodType<T>;
}

/** The document type a collection stores, e.g. `DataOf<typeof salesOrders>`. */
export type DataOf<C> = C extends SandboxCollection<infer T> ? T : never;

function collection<T>(name: string, idPrefix: string, schema: z.ZodType<T>): SandboxCollection<T> {
  return { name, idPrefix, schema };
}

export const moneySchema = z.object({ amount: z.number().int(), currency: z.string() });
export const orderLineSchema = z.object({ sku: z.string(), quantity: z.number().int(), unitAmount: z.number().int() });
const reservationSchema = z.object({ sku: z.string(), quantity: z.number().int() });

const contactData = z.object({
  email: z.string(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  phone: z.string().optional(),
  company: z.string().optional(),
});
export const contacts = collection('contacts', 'con', contactData);
export const companies = collection('companies', 'acc', z.object({ name: z.string(), domain: z.string().optional() }));
export const deals = collection(
  'deals',
  'deal',
  z.object({ name: z.string(), contactId: z.string(), amount: moneySchema }),
);
export const customers = collection(
  'customers',
  'cus',
  z.object({ email: z.string(), name: z.string(), crmContactId: z.string().optional() }),
);
/** One per SKU that has been set or reserved; absent SKUs have the default level. */
export const stock = collection('stock', 'stk', z.object({ available: z.number().int() }));
export const salesOrders = collection(
  'salesOrders',
  'so',
  z.object({
    externalReference: z.string(),
    customerId: z.string(),
    currency: z.string(),
    lines: z.array(orderLineSchema),
    status: z.enum(['open', 'cancelled']),
    total: moneySchema,
    /** What was actually taken from stock, so that a cancel gives back exactly that. */
    reserved: z.array(reservationSchema),
  }),
);
export const invoices = collection(
  'invoices',
  'inv',
  z.object({
    salesOrderId: z.string(),
    customerId: z.string(),
    number: z.string(),
    total: moneySchema,
    status: z.enum(['open', 'cancelled']).default('open'),
  }),
);
export const purchaseOrders = collection(
  'purchaseOrders',
  'po',
  z.object({
    externalReference: z.string(),
    supplier: z.string(),
    currency: z.string(),
    lines: z.array(orderLineSchema),
  }),
);
export const paymentStatusSchema = z.enum(['authorized', 'captured', 'voided', 'refunded', 'partially_refunded']);
export const payments = collection(
  'payments',
  'pay',
  z.object({
    status: paymentStatusSchema,
    amount: moneySchema,
    capturedAmount: z.number().int(),
    refundedAmount: z.number().int(),
    reference: z.string(),
    description: z.string().optional(),
  }),
);
/** Named sequences (invoice numbers). */
export const sequences = collection('sequences', 'seq', z.object({ value: z.number().int() }));

export const SANDBOX_COLLECTION_NAMES = [
  contacts,
  companies,
  deals,
  customers,
  stock,
  salesOrders,
  invoices,
  purchaseOrders,
  payments,
  sequences,
].map((c) => c.name);

// ---- SPI answers, as kept in idempotency receipts ----
export const contactResult: z.ZodType<Contact> = contactData.extend({ id: z.string(), updatedAt: z.string() });
export const accountResult: z.ZodType<Account> = z.object({
  id: z.string(),
  name: z.string(),
  domain: z.string().optional(),
});
export const dealResult: z.ZodType<Deal> = z.object({ id: z.string(), name: z.string() });
export const customerResult: z.ZodType<Customer> = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  crmContactId: z.string().optional(),
});
export const salesOrderResult: z.ZodType<SalesOrder> = z.object({
  id: z.string(),
  externalReference: z.string(),
  status: z.enum(['open', 'cancelled']),
  total: moneySchema,
});
export const invoiceResult: z.ZodType<Invoice> = z.object({
  id: z.string(),
  salesOrderId: z.string(),
  number: z.string(),
  total: moneySchema,
  issuedAt: z.string(),
  status: z.enum(['open', 'cancelled']).optional(),
});
export const purchaseOrderResult: z.ZodType<PurchaseOrder> = z.object({
  id: z.string(),
  externalReference: z.string(),
});
export const paymentResult: z.ZodType<Payment> = z.object({
  id: z.string(),
  status: paymentStatusSchema,
  amount: moneySchema,
  capturedAmount: z.number().int(),
  refundedAmount: z.number().int(),
  reference: z.string(),
  createdAt: z.string(),
});
