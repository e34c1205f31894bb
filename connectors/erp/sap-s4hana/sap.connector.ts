/**
 * The SAP S/4HANA ERP connector: customers as business partners (API_BUSINESS_PARTNER), sales
 * orders (API_SALES_ORDER_SRV), stock (API_MATERIAL_STOCK_SRV), all OData v2.
 *
 * Idempotency: OData v2 has no idempotency header, so every create first looks up its natural
 * key (lookup-before-write) and creates as one deep insert, so that a retried
 * activity finds what an earlier attempt created, even when that attempt timed out after SAP
 * committed. Two attempts running at the same time could both miss: Temporal runs the attempts
 * of one activity one after the other, which is what this relies on.
 */
import type { AuthInjector } from '../../http';
import type {
  Customer,
  CustomerInput,
  ErpConnector,
  Invoice,
  Page,
  PurchaseOrder,
  SalesOrder,
  SalesOrderInput,
  StockLevel,
  WriteOptions,
} from '../../spi';
// The SPI's input rules, shared with the sandbox, which validates "as a vendor's API would".
import { customerInput, idempotencyKeyInput, parseInput, salesOrderInput, skusInput } from '../../inputs';
import { customerReference, toBusinessPartnerCreate, toBusinessPartnerUpdate, toCustomer } from './mappers/to-customer';
import { salesOrderReference, toSalesOrder, toSalesOrderCreate } from './mappers/to-sales-order';
import { toStockLevels } from './mappers/to-stock-level';
import { SapPayloadError, unexpectedResponse, unsupported } from './sap-errors';
import { entityPath, odataString, SapODataClient, type HttpClientFactory } from './sap.client';
import { sapManifest, type SapService } from './sap.manifest';
import {
  businessPartnerSelect,
  materialStockSelect,
  rawBusinessPartner,
  rawMaterialStock,
  rawSalesOrder,
  rawSalesOrderItem,
  salesOrderItemSelect,
  salesOrderSelect,
} from './sap.schemas';
import type { SapSettings } from './sap.settings';

/** SKUs per stock query: keeps the `$filter` (and the URL) well below gateway limits. */
const SKUS_PER_STOCK_QUERY = 20;

export interface SapConnectorDeps {
  /** How requests authenticate: basic today, the shared OAuth2 factory later. */
  auth: AuthInjector;
  /** Replaces createHttpClient per service (contract tests record Prism's answers with it). */
  httpClientFor?: HttpClientFactory | undefined;
}

const orOf = (field: string, values: readonly string[]) =>
  `(${values.map((value) => `${field} eq ${odataString(value)}`).join(' or ')})`;

export class SapS4hanaConnector implements ErpConnector {
  readonly kind = 'erp';
  readonly vendor = sapManifest.vendor;
  readonly unsupported = sapManifest.unsupported;
  /** One OData client per service, each with its own CSRF session. */
  readonly services: Readonly<Record<SapService, SapODataClient>>;

  constructor(
    readonly name: string,
    private readonly settings: SapSettings,
    deps: SapConnectorDeps,
  ) {
    const client = (service: SapService) =>
      new SapODataClient({
        instance: name,
        service,
        serviceUrl: settings.serviceUrls[service] ?? `${settings.baseUrl}${sapManifest.services[service].path}`,
        client: settings.client,
        timeoutMs: settings.timeoutMs,
        pageSize: settings.pageSize,
        auth: deps.auth,
        httpClientFor: deps.httpClientFor,
        resilience: settings,
      });
    this.services = {
      businessPartner: client('businessPartner'),
      salesOrder: client('salesOrder'),
      materialStock: client('materialStock'),
    };
  }

  /** One cheap read per service: a communication arrangement may grant some services and not others. */
  async healthCheck(): Promise<void> {
    await this.call(() => Promise.all(Object.values(this.services).map((service) => service.probe())));
  }

  /** Found by the e-mail's digest in BusinessPartnerIDByExtSystem: renamed if needed, else created. */
  async upsertCustomer(input: CustomerInput, options: WriteOptions): Promise<Customer> {
    const customer = parseInput(customerInput, input, this.name);
    parseInput(idempotencyKeyInput, options.idempotencyKey, this.name);
    const partners = this.services.businessPartner;
    return this.call(async () => {
      const query = {
        $filter: `BusinessPartnerIDByExtSystem eq ${odataString(customerReference(customer.email))}`,
        $select: businessPartnerSelect,
      };
      const existing = await partners.findFirst('A_BusinessPartner', query, rawBusinessPartner);
      if (!existing)
        return toCustomer(
          await partners.create(
            'A_BusinessPartner',
            toBusinessPartnerCreate(customer, this.settings),
            rawBusinessPartner,
          ),
          customer,
        );
      const update = toBusinessPartnerUpdate(customer, existing);
      if (update)
        await partners.update(
          entityPath('A_BusinessPartner', existing.BusinessPartner),
          update,
          existing.__metadata?.etag,
        );
      return toCustomer(existing, customer);
    });
  }

  /** Unrestricted-use normal stock summed over plants and storage locations, per SKU. */
  async getStock(skus: string[]): Promise<StockLevel[]> {
    const wanted = [...new Set(parseInput(skusInput, skus, this.name))];
    const { stockType, plants } = this.settings.stock;
    return this.call(async () => {
      const rows = [];
      for (let start = 0; start < wanted.length; start += SKUS_PER_STOCK_QUERY) {
        const filters = [
          orOf('Material', wanted.slice(start, start + SKUS_PER_STOCK_QUERY)),
          `InventoryStockType eq ${odataString(stockType)}`,
        ];
        if (plants.length > 0) filters.push(orOf('Plant', plants));
        rows.push(
          ...(await this.services.materialStock.list(
            'A_MatlStkInAcctMod',
            { $filter: filters.join(' and '), $select: materialStockSelect },
            rawMaterialStock,
          )),
        );
      }
      return toStockLevels(wanted, rows, { stockType, plants });
    });
  }

  /** An order with this customer reference for this sold-to party is returned, not created again. */
  async createSalesOrder(input: SalesOrderInput, options: WriteOptions): Promise<SalesOrder> {
    const order = parseInput(salesOrderInput, input, this.name);
    parseInput(idempotencyKeyInput, options.idempotencyKey, this.name);
    const orders = this.services.salesOrder;
    return this.call(async () => {
      const $filter = `PurchaseOrderByCustomer eq ${odataString(salesOrderReference(order.externalReference))} and SoldToParty eq ${odataString(order.customerId)}`;
      const existing = await orders.findFirst('A_SalesOrder', { $filter, $select: salesOrderSelect }, rawSalesOrder);
      if (existing) return toSalesOrder(existing, order.externalReference);
      return toSalesOrder(
        await orders.create('A_SalesOrder', toSalesOrderCreate(order, this.settings), rawSalesOrder),
        order.externalReference,
      );
    });
  }

  /**
   * Cancels as SAP recommends for orders: every open item gets the configured reason for
   * rejection (PATCH A_SalesOrderItem), which keeps the document and its history. DELETE
   * A_SalesOrder, which the spec also offers, erases the order and fails once follow-on
   * documents exist. Items rejected already are left alone, so a repeated cancel changes nothing.
   */
  async cancelSalesOrder(salesOrderId: string, options: WriteOptions): Promise<SalesOrder> {
    parseInput(idempotencyKeyInput, options.idempotencyKey, this.name);
    const orders = this.services.salesOrder;
    const orderPath = entityPath('A_SalesOrder', salesOrderId);
    return this.call(async () => {
      const header = await orders.getEntity(orderPath, { $select: salesOrderSelect }, rawSalesOrder);
      const order = toSalesOrder(header);
      if (order.status === 'cancelled') return order;
      const items = await orders.list(`${orderPath}/to_Item`, { $select: salesOrderItemSelect }, rawSalesOrderItem);
      for (const item of items) {
        if ((item.SalesDocumentRjcnReason ?? '').trim() !== '') continue;
        const itemPath = entityPath('A_SalesOrderItem', {
          SalesOrder: item.SalesOrder,
          SalesOrderItem: item.SalesOrderItem,
        });
        await orders.update(
          itemPath,
          { d: { SalesDocumentRjcnReason: this.settings.salesOrder.rejectionReason } },
          item.__metadata?.etag,
        );
      }
      return { ...order, status: 'cancelled' };
    });
  }

  /** The registry calls this when the instance is replaced or the process stops. */
  async close(): Promise<void> {
    await Promise.all(Object.values(this.services).map((service) => service.close()));
  }

  async createInvoice(): Promise<Invoice> {
    throw unsupported(this.name, 'createInvoice');
  }

  async cancelInvoice(): Promise<Invoice> {
    throw unsupported(this.name, 'cancelInvoice');
  }

  async listInvoices(): Promise<Page<Invoice>> {
    throw unsupported(this.name, 'listInvoices');
  }

  async createPurchaseOrder(): Promise<PurchaseOrder> {
    throw unsupported(this.name, 'createPurchaseOrder');
  }

  /** Mapper failures become the connector's error; ConnectorErrors pass through untouched. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof SapPayloadError) throw unexpectedResponse(this.name, error.detail);
      throw error;
    }
  }
}
