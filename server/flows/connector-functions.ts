import type { ConnectorKind, CrmOperation, EmailOperation, ErpOperation, PaymentOperation } from '../../connectors/spi';

/**
 * The connector function catalog: what a flow may `call` besides `http`. A task
 *
 *     - authorizePayment:
 *         call: payment.authorize
 *         with:
 *           connector: payment.main        # a configured instance of the kind
 *           authorization: ${ { amount: .order.total, paymentMethodToken: .paymentToken, customerReference: .order.id } }
 *
 * calls `PaymentConnector.authorize` (connectors/spi.ts) on instance `payment.main`. `with` holds
 * `connector` (a literal instance name, so publishing can check it) and one entry per parameter of
 * the SPI method, by the names below, in the SPI's order; the SPI's trailing `WriteOptions` is not
 * written in the flow: the interpreter supplies the idempotency key of every side-effecting call.
 *
 * `compensatedBy` lists the operations that undo a call, for `metadata.compensate` (junction-extensions.ts).
 */
export interface ConnectorFunctionParameter {
  name: string;
  /** Optional parameters are nullable in the SPI (`amount: number | null` captures everything). */
  required: boolean;
}

export interface ConnectorFunction {
  kind: ConnectorKind;
  operation: string;
  parameters: readonly ConnectorFunctionParameter[];
  /** A write: the interpreter passes `WriteOptions.idempotencyKey`, and a retry must not repeat it. */
  sideEffecting: boolean;
  /** Operations (`<kind>.<operation>`) that undo this one; empty when nothing does. */
  compensatedBy: readonly string[];
}

const required = (name: string): ConnectorFunctionParameter => ({ name, required: true });
const optional = (name: string): ConnectorFunctionParameter => ({ name, required: false });

type Entry = Omit<ConnectorFunction, 'kind' | 'operation'>;
const read = (...parameters: ConnectorFunctionParameter[]): Entry => ({
  parameters,
  sideEffecting: false,
  compensatedBy: [],
});
const write = (parameters: ConnectorFunctionParameter[], compensatedBy: string[] = []): Entry => ({
  parameters,
  sideEffecting: true,
  compensatedBy,
});

// One record per kind, keyed by the SPI's operation union: a new SPI operation fails to compile here.
const CRM: Record<CrmOperation, Entry> = {
  upsertContact: write([required('contact')]),
  findContactByEmail: read(required('email')),
  getAccount: read(required('id')),
  upsertCompany: write([required('company')]),
  createDeal: write([required('deal')]),
  listContactsChangedSince: read(optional('cursor'), required('pageSize')),
};

const ERP: Record<ErpOperation, Entry> = {
  upsertCustomer: write([required('customer')]),
  getStock: read(required('skus')),
  createSalesOrder: write([required('order')], ['erp.cancelSalesOrder']),
  cancelSalesOrder: write([required('salesOrderId')]),
  createInvoice: write([required('invoice')], ['erp.cancelInvoice']),
  cancelInvoice: write([required('invoiceId')]),
  listInvoices: read(required('window'), optional('cursor')),
  createPurchaseOrder: write([required('order')]),
};

const EMAIL: Record<EmailOperation, Entry> = {
  send: write([required('message')]),
};

const PAYMENT: Record<PaymentOperation, Entry> = {
  authorize: write([required('authorization')], ['payment.voidAuthorization']),
  capture: write([required('paymentId'), optional('amount')], ['payment.refund']),
  voidAuthorization: write([required('paymentId')]),
  refund: write([required('paymentId'), optional('amount')]),
  listPayments: read(required('window'), optional('cursor')),
};

// The http kind has no catalog functions: flows reach it with the DSL's own `call: http` (http-calls.ts).
const BY_KIND: Record<ConnectorKind, Record<string, Entry>> = {
  crm: CRM,
  erp: ERP,
  email: EMAIL,
  payment: PAYMENT,
  http: {},
};

/** Every catalog function by its `call` name, `<kind>.<operation>`. */
export const CONNECTOR_FUNCTIONS: ReadonlyMap<string, ConnectorFunction> = new Map(
  Object.entries(BY_KIND).flatMap(([kind, operations]) =>
    Object.entries(operations).map(([operation, entry]): [string, ConnectorFunction] => [
      `${kind}.${operation}`,
      { kind: kind as ConnectorKind, operation, ...entry },
    ]),
  ),
);

/** The `with` key naming the connector instance; not an SPI parameter. */
export const CONNECTOR_ARGUMENT = 'connector';
