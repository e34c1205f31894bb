/**
 * The Microsoft Dynamics 365 Business Central ERP connector (API v1.0): customers, items with
 * inventory, sales orders, posted sales invoices.
 *
 * Idempotency: v1.0 has no idempotency header, so every create first looks up its natural key
 * (lookup-before-write), so that a retried activity finds what an earlier attempt
 * created, even when that attempt timed out after BC committed. Temporal runs the attempts of
 * one activity one after the other, which is what this relies on.
 */
import { z } from 'zod';
import type { AuthInjector } from '../../http';
import type {
  Customer,
  CustomerInput,
  ErpConnector,
  Invoice,
  InvoiceInput,
  Page,
  PurchaseOrder,
  PurchaseOrderInput,
  SalesOrder,
  SalesOrderInput,
  StockLevel,
  TimeWindow,
  WriteOptions,
} from '../../spi';
// The SPI's input rules, shared with the sandbox, which validates "as a vendor's API would".
import {
  customerInput,
  idempotencyKeyInput,
  invoiceInput,
  parseInput,
  salesOrderInput,
  skusInput,
  timeWindowInput,
} from '../../inputs';
import {
  BcPayloadError,
  conflict,
  hasStatus,
  invalidInput,
  notFound,
  unexpectedResponse,
  unsupported,
} from './bc-errors';
import { decodeCursor, encodeCursor } from './bc-cursor';
import { addLines, completeLines, findItems, itemIdsFor } from './bc-sales-order-lines';
import { BcApiClient, type HttpClientFactory } from './bc.client';
import { bcManifest } from './bc.manifest';
import {
  rawCustomer,
  rawSalesInvoice,
  rawSalesOrder,
  customerSelect,
  salesInvoiceSelect,
  salesOrderSelect,
} from './bc.schemas';
import type { BcSettings } from './bc.settings';
import { customerFilter, customerProblem, toCustomer, toCustomerCreate, toCustomerUpdate } from './mappers/to-customer';
import { invoiceWindowFilter, toInvoice, UNPOSTED_INVOICE_STATUSES } from './mappers/to-invoice';
import { toStockLevels } from './mappers/to-stock-level';
import { salesOrderFilter, toSalesOrder, toSalesOrderCreate } from './mappers/to-sales-order';

export interface BcConnectorDeps {
  /** The injector built by the shared auth factory from settings and credentials. */
  auth: AuthInjector;
  /** Replaces createHttpClient (contract tests record Prism's answers with it). */
  httpClientFor?: HttpClientFactory | undefined;
  /** `…/api/v1.0`, from bcEndpoints(settings). */
  apiRoot: string;
}

const guid = z.guid();
const postedOnly = UNPOSTED_INVOICE_STATUSES.map((status) => ` and status ne '${status}'`).join('');

export class BusinessCentralConnector implements ErpConnector {
  readonly kind = 'erp';
  readonly vendor = bcManifest.vendor;
  readonly unsupported = bcManifest.unsupported;
  readonly api: BcApiClient;

  constructor(
    readonly name: string,
    private readonly settings: BcSettings,
    deps: BcConnectorDeps,
  ) {
    const { companyId, timeoutMs, pageSize } = settings;
    this.api = new BcApiClient({
      instance: name,
      apiRoot: deps.apiRoot,
      companyId,
      timeoutMs,
      pageSize,
      auth: deps.auth,
      httpClientFor: deps.httpClientFor,
      resilience: settings,
    });
  }

  async healthCheck(): Promise<void> {
    await this.api.probe();
  }

  async close(): Promise<void> {
    await this.api.close();
  }

  /** Found by e-mail: renamed if needed (If-Match; a stale etag is read again once), else created. */
  async upsertCustomer(input: CustomerInput, options: WriteOptions): Promise<Customer> {
    const customer = parseInput(customerInput, input, this.name);
    this.checkKey(options);
    const problem = customerProblem(customer);
    if (problem) throw invalidInput(this.name, problem);
    return this.call(async () => {
      for (let attempt = 1; ; attempt += 1) {
        const existing = await this.api.findFirst(
          'customers',
          { $filter: customerFilter(customer.email), $select: customerSelect },
          rawCustomer,
        );
        if (!existing)
          return toCustomer(await this.api.create('customers', toCustomerCreate(customer), rawCustomer), customer);
        const update = toCustomerUpdate(customer, existing);
        if (!update) return toCustomer(existing, customer);
        try {
          return toCustomer(
            await this.api.update(`customers(${existing.id})`, update, existing['@odata.etag'], rawCustomer),
            customer,
          );
        } catch (error) {
          if (attempt > 1 || !hasStatus(error, 412)) throw error;
        }
      }
    });
  }

  /** On-hand inventory of each item, in whole units; an unknown SKU has 0. */
  async getStock(skus: string[]): Promise<StockLevel[]> {
    const wanted = [...new Set(parseInput(skusInput, skus, this.name))];
    return this.call(async () => toStockLevels(wanted, await findItems(this.api, wanted)));
  }

  /** An order with this external document number for this customer is completed and returned, not created again. */
  async createSalesOrder(input: SalesOrderInput, options: WriteOptions): Promise<SalesOrder> {
    const order = parseInput(salesOrderInput, input, this.name);
    this.checkKey(options);
    this.checkId(order.customerId, 'customerId');
    return this.call(async () => {
      const existing = await this.api.findFirst(
        'salesOrders',
        { $filter: salesOrderFilter(order), $select: salesOrderSelect },
        rawSalesOrder,
      );
      let id = existing?.id;
      if (id === undefined) {
        // An unknown SKU fails here, before anything is written.
        const itemIds = await itemIdsFor(this.api, order.lines, this.name);
        id = (
          await this.api.create('salesOrders', toSalesOrderCreate(order, this.settings.localCurrency), rawSalesOrder)
        ).id;
        await addLines(
          this.api,
          id,
          order,
          itemIds,
          order.lines.map((_, index) => index),
        );
      } else await completeLines(this.api, id, order, this.name);
      const saved = await this.api.get(`salesOrders(${id})`, { $select: salesOrderSelect }, rawSalesOrder);
      return toSalesOrder(saved, this.settings.localCurrency, order.externalReference);
    });
  }

  /**
   * v1.0 has no cancel action for sales orders: cancelling deletes the (unposted) order, which
   * releases its reservations. An order already gone counts as cancelled, so a repeated cancel
   * succeeds, unless it was gone because it was invoiced: that needs a credit memo (CONFLICT).
   */
  async cancelSalesOrder(salesOrderId: string, options: WriteOptions): Promise<SalesOrder> {
    this.checkKey(options);
    if (!guid.safeParse(salesOrderId).success) throw notFound(this.name, `sales order ${salesOrderId}`);
    const path = `salesOrders(${salesOrderId})`;
    return this.call(async () => {
      const order = await this.api.get(path, { $select: salesOrderSelect }, rawSalesOrder).catch((error: unknown) => {
        if (hasStatus(error, 404)) return null;
        throw error;
      });
      if (order === null) {
        const invoice = await this.postedInvoiceOf(salesOrderId);
        if (invoice)
          throw conflict(
            this.name,
            `sales order ${salesOrderId} was invoiced (${invoice.number ?? invoice.id}); cancelling it needs a credit memo`,
          );
        return {
          id: salesOrderId,
          externalReference: '',
          status: 'cancelled',
          total: { amount: 0, currency: this.settings.localCurrency },
        };
      }
      await this.api.remove(path, order['@odata.etag']).catch((error: unknown) => {
        if (!hasStatus(error, 404)) throw error;
      });
      return { ...toSalesOrder(order, this.settings.localCurrency), status: 'cancelled' };
    });
  }

  /**
   * Ships and invoices the sales order (`Microsoft.NAV.shipAndInvoice`), so BC posts the invoice
   * from the order itself and the order is fulfilled, then optionally e-mails it
   * (`Microsoft.NAV.send`). The posted invoice is found by its `orderId`: a retry returns it.
   * The amounts are BC's; `input.total` is not sent.
   */
  async createInvoice(input: InvoiceInput, options: WriteOptions): Promise<Invoice> {
    const invoice = parseInput(invoiceInput, input, this.name);
    this.checkKey(options);
    if (!guid.safeParse(invoice.salesOrderId).success) throw notFound(this.name, `sales order ${invoice.salesOrderId}`);
    return this.call(async () => {
      const existing = await this.postedInvoiceOf(invoice.salesOrderId);
      if (existing) return toInvoice(existing, this.settings.localCurrency);
      const order = await this.api.get(
        `salesOrders(${invoice.salesOrderId})`,
        { $select: salesOrderSelect },
        rawSalesOrder,
      );
      if (order.customerId !== invoice.customerId)
        throw invalidInput(this.name, `customerId does not match sales order ${invoice.salesOrderId}`);
      await this.api.action(`salesOrders(${invoice.salesOrderId})/Microsoft.NAV.shipAndInvoice`);
      const posted = await this.postedInvoiceOf(invoice.salesOrderId);
      if (!posted)
        throw unexpectedResponse(
          this.name,
          `no posted invoice for sales order ${invoice.salesOrderId} after shipAndInvoice`,
        );
      if (this.settings.invoice.send) await this.api.action(`salesInvoices(${posted.id})/Microsoft.NAV.send`);
      return toInvoice(posted, this.settings.localCurrency);
    });
  }

  /**
   * `Microsoft.NAV.cancel` on the posted invoice: BC posts a corrective credit memo that offsets
   * it, and its status becomes Canceled. An invoice already Canceled is returned as it is (BC
   * would refuse a second cancel), so a repeated cancel posts no second credit memo. BC's own
   * refusals (a draft, a paid invoice) come back as its 400 with its message.
   */
  async cancelInvoice(invoiceId: string, options: WriteOptions): Promise<Invoice> {
    this.checkKey(options);
    if (!guid.safeParse(invoiceId).success) throw notFound(this.name, `sales invoice ${invoiceId}`);
    const path = `salesInvoices(${invoiceId})`;
    return this.call(async () => {
      const current = toInvoice(
        await this.api.get(path, { $select: salesInvoiceSelect }, rawSalesInvoice),
        this.settings.localCurrency,
      );
      if (current.status === 'cancelled') return current;
      await this.api.action(`${path}/Microsoft.NAV.cancel`);
      const cancelled = toInvoice(
        await this.api.get(path, { $select: salesInvoiceSelect }, rawSalesInvoice),
        this.settings.localCurrency,
      );
      if (cancelled.status !== 'cancelled')
        throw unexpectedResponse(this.name, `sales invoice ${invoiceId} is not Canceled after Microsoft.NAV.cancel`);
      return cancelled;
    });
  }

  /** Posted invoices dated in the window (see mappers/to-invoice.ts), `pageSize` per page. */
  async listInvoices(window: TimeWindow, cursor: string | null): Promise<Page<Invoice>> {
    const range = parseInput(timeWindowInput, window, this.name);
    const next = cursor === null ? null : this.api.checkPagePath(decodeCursor(cursor, this.name), 'salesInvoices');
    return this.call(async () => {
      const page =
        next === null
          ? await this.api.firstPage(
              'salesInvoices',
              { $filter: invoiceWindowFilter(range), $select: salesInvoiceSelect },
              rawSalesInvoice,
            )
          : await this.api.nextPage(next, rawSalesInvoice);
      return {
        items: page.items.map((raw) => toInvoice(raw, this.settings.localCurrency)),
        nextCursor: page.next === null ? null : encodeCursor(page.next),
      };
    });
  }

  async createPurchaseOrder(_order: PurchaseOrderInput, _options: WriteOptions): Promise<PurchaseOrder> {
    throw unsupported(
      this.name,
      'createPurchaseOrder',
      'Business Central API v1.0 has no purchaseOrders entity (only purchaseInvoices)',
    );
  }

  private postedInvoiceOf(salesOrderId: string) {
    return this.api.findFirst(
      'salesInvoices',
      { $filter: `orderId eq ${salesOrderId}${postedOnly}`, $select: salesInvoiceSelect },
      rawSalesInvoice,
    );
  }

  private checkKey(options: WriteOptions): void {
    parseInput(idempotencyKeyInput, options.idempotencyKey, this.name);
  }

  private checkId(id: string, field: string): void {
    if (!guid.safeParse(id).success) throw invalidInput(this.name, `${field}: must be a Business Central id (GUID)`);
  }

  /** Mapper failures become the connector's error; ConnectorErrors pass through untouched. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof BcPayloadError) throw unexpectedResponse(this.name, error.detail);
      throw error;
    }
  }
}
