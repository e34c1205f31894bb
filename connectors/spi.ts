/**
 * The connector service-provider interface (docs/connectors.md). Types only, plus re-exported error
 * codes: workflow code may import this file.
 */
export { ConnectorErrorCode } from './connector-error-codes';
export type { ConnectorErrorDetails } from './connector-error';

export type ConnectorKind = 'crm' | 'erp' | 'email' | 'payment' | 'http';

/** Every write carries one; vendors receive it as a header, an external reference or a lookup key. */
export interface WriteOptions {
  idempotencyKey: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface TimeWindow {
  from: string; // ISO-8601 instant, inclusive
  to: string; // ISO-8601 instant, exclusive
}

/** Amounts are integers in the currency's minor unit (cents), as payment vendors use them. */
export interface Money {
  amount: number;
  currency: string; // ISO-4217, upper case
}

export interface ConnectorBase<K extends ConnectorKind, Op extends string> {
  readonly kind: K;
  readonly vendor: string;
  /** The instance name, e.g. `crm.main`. */
  readonly name: string;
  /** Operations this vendor cannot perform; calling one throws UNSUPPORTED. */
  readonly unsupported: readonly Op[];
  /** A cheap live call that proves the configuration and credentials work. */
  healthCheck(): Promise<void>;
}

// ---- CRM ----
export interface ContactInput {
  email: string;
  firstName?: string;
  lastName?: string;
  phone?: string;
  company?: string;
}
export interface Contact extends ContactInput {
  id: string;
  updatedAt: string;
}
export interface Account {
  id: string;
  name: string;
  domain?: string;
}
export interface CompanyInput {
  name: string;
  domain?: string;
}
export interface DealInput {
  name: string;
  contactId: string;
  amount: Money;
}
export interface Deal {
  id: string;
  name: string;
}
export type CrmOperation =
  'upsertContact' | 'findContactByEmail' | 'getAccount' | 'upsertCompany' | 'createDeal' | 'listContactsChangedSince';
export interface CrmConnector extends ConnectorBase<'crm', CrmOperation> {
  upsertContact(contact: ContactInput, options: WriteOptions): Promise<Contact>;
  findContactByEmail(email: string): Promise<Contact | null>;
  getAccount(id: string): Promise<Account | null>;
  upsertCompany(company: CompanyInput, options: WriteOptions): Promise<Account>;
  createDeal(deal: DealInput, options: WriteOptions): Promise<Deal>;
  listContactsChangedSince(cursor: string | null, pageSize: number): Promise<Page<Contact>>;
}

// ---- ERP ----
export interface CustomerInput {
  email: string;
  name: string;
  crmContactId?: string;
}
export interface Customer extends CustomerInput {
  id: string;
}
export interface StockLevel {
  sku: string;
  available: number;
}
export interface OrderLine {
  sku: string;
  quantity: number;
  unitAmount: number; // minor units
}
export interface SalesOrderInput {
  externalReference: string;
  customerId: string;
  currency: string;
  lines: OrderLine[];
}
export interface SalesOrder {
  id: string;
  externalReference: string;
  status: 'open' | 'cancelled';
  total: Money;
}
export interface InvoiceInput {
  salesOrderId: string;
  customerId: string;
  total: Money;
}
export interface Invoice {
  id: string;
  salesOrderId: string;
  number: string;
  total: Money;
  issuedAt: string;
  /** Absent from vendors that cannot tell; `cancelled` once cancelInvoice succeeded. */
  status?: 'open' | 'cancelled';
}
export interface PurchaseOrderInput {
  externalReference: string;
  supplier: string;
  currency: string;
  lines: OrderLine[];
}
export interface PurchaseOrder {
  id: string;
  externalReference: string;
}
export type ErpOperation =
  | 'upsertCustomer'
  | 'getStock'
  | 'createSalesOrder'
  | 'cancelSalesOrder'
  | 'createInvoice'
  | 'cancelInvoice'
  | 'listInvoices'
  | 'createPurchaseOrder';
export interface ErpConnector extends ConnectorBase<'erp', ErpOperation> {
  upsertCustomer(customer: CustomerInput, options: WriteOptions): Promise<Customer>;
  getStock(skus: string[]): Promise<StockLevel[]>;
  createSalesOrder(order: SalesOrderInput, options: WriteOptions): Promise<SalesOrder>;
  cancelSalesOrder(salesOrderId: string, options: WriteOptions): Promise<SalesOrder>;
  createInvoice(invoice: InvoiceInput, options: WriteOptions): Promise<Invoice>;
  /** Cancels (voids or reverses) an invoice so the customer owes nothing; cancelling a cancelled invoice changes nothing. */
  cancelInvoice(invoiceId: string, options: WriteOptions): Promise<Invoice>;
  listInvoices(window: TimeWindow, cursor: string | null): Promise<Page<Invoice>>;
  createPurchaseOrder(order: PurchaseOrderInput, options: WriteOptions): Promise<PurchaseOrder>;
}

// ---- Email ----
export interface EmailAttachment {
  filename: string;
  contentType: string;
  contentBase64: string;
}
export interface EmailMessage {
  to: string[];
  subject: string;
  text: string;
  html?: string;
  attachments?: EmailAttachment[];
}
export type EmailOperation = 'send';
export interface EmailConnector extends ConnectorBase<'email', EmailOperation> {
  send(message: EmailMessage, options: WriteOptions): Promise<{ messageId: string }>;
}

// ---- Payment ----
export interface AuthorizationInput {
  amount: Money;
  /** An opaque payment-method token from the shop's checkout (never a card number). */
  paymentMethodToken: string;
  /** The business reference the money is for (orderToCash: the ERP sales order id); payments list it as `reference`. */
  customerReference: string;
  description?: string;
}
export interface Payment {
  id: string;
  status: 'authorized' | 'captured' | 'voided' | 'refunded' | 'partially_refunded';
  amount: Money;
  capturedAmount: number;
  refundedAmount: number;
  reference: string;
  createdAt: string;
}
export type PaymentOperation = 'authorize' | 'capture' | 'voidAuthorization' | 'refund' | 'listPayments';
export interface PaymentConnector extends ConnectorBase<'payment', PaymentOperation> {
  authorize(input: AuthorizationInput, options: WriteOptions): Promise<Payment>;
  capture(paymentId: string, amount: number | null, options: WriteOptions): Promise<Payment>;
  voidAuthorization(paymentId: string, options: WriteOptions): Promise<Payment>;
  refund(paymentId: string, amount: number | null, options: WriteOptions): Promise<Payment>;
  listPayments(window: TimeWindow, cursor: string | null): Promise<Page<Payment>>;
}

// ---- HTTP (generic calls of a flow's `call: http`) ----
export type HttpCallMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export interface HttpCallRequest {
  method: HttpCallMethod;
  /** Relative to the instance's baseUrl (appended to it); an absolute URL, `..` or a query/fragment is refused. */
  path: string;
  query?: Record<string, string>;
  /** Never Authorization, Host, Idempotency-Key, the auth header of the instance or hop-by-hop headers. */
  headers?: Record<string, string>;
  /** A string is sent as text (text/plain unless a content-type header says otherwise); anything else as JSON. */
  body?: unknown;
}
export interface HttpCallResponse {
  /** 2xx: every other status is a ConnectorError. */
  status: number;
  /** Lower-case names; set-cookie is left out. */
  headers: Record<string, string>;
  /** Parsed when the content type is JSON (application/json, *+json), else the text; null when there is none. */
  body: unknown;
}
export type HttpOperation = 'request';
export interface HttpConnector extends ConnectorBase<'http', HttpOperation> {
  /** Writes (POST, PUT, PATCH, DELETE) send `options.idempotencyKey` as the Idempotency-Key header. */
  request(request: HttpCallRequest, options: WriteOptions): Promise<HttpCallResponse>;
}

export type Connector = CrmConnector | ErpConnector | EmailConnector | PaymentConnector | HttpConnector;
export interface ConnectorByKind {
  crm: CrmConnector;
  erp: ErpConnector;
  email: EmailConnector;
  payment: PaymentConnector;
  http: HttpConnector;
}

/** Finds a configured connector instance by kind and name (connectors/registry.ts implements it). */
export interface ConnectorResolver {
  resolve<K extends ConnectorKind>(kind: K, name: string): ConnectorByKind[K];
}
