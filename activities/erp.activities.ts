import { ApplicationFailure } from '@temporalio/common';
import { ConnectorErrorCode } from '../connectors/connector-error-codes';
import type {
  ConnectorResolver,
  Customer,
  CustomerInput,
  Invoice,
  InvoiceInput,
  OrderLine,
  SalesOrder,
  SalesOrderInput,
  StockLevel,
} from '../connectors/spi';
import { callConnector } from './connector-failure';

export interface StockShortage {
  sku: string;
  requested: number;
  available: number;
}

export function createErpActivities(connectors: ConnectorResolver) {
  return {
    /** Fails non-retryably with OUT_OF_STOCK, listing every short line, when any line cannot be served. */
    async checkStock({
      connector,
      lines,
    }: {
      connector: string;
      lines: Pick<OrderLine, 'sku' | 'quantity'>[];
    }): Promise<StockLevel[]> {
      const erp = connectors.resolve('erp', connector);
      const requested = new Map<string, number>();
      for (const line of lines) requested.set(line.sku, (requested.get(line.sku) ?? 0) + line.quantity);
      const levels = await callConnector(() => erp.getStock([...requested.keys()]));
      const available = new Map(levels.map((level) => [level.sku, level.available]));
      const shortages: StockShortage[] = [...requested]
        .map(([sku, quantity]) => ({ sku, requested: quantity, available: available.get(sku) ?? 0 }))
        .filter((line) => line.available < line.requested);
      if (shortages.length > 0) {
        throw ApplicationFailure.nonRetryable(
          `Out of stock: ${shortages.map((s) => `${s.sku} (requested ${s.requested}, available ${s.available})`).join(', ')}`,
          ConnectorErrorCode.OutOfStock,
          { shortages },
        );
      }
      return levels;
    },

    async upsertErpCustomer({
      connector,
      customer,
      idempotencyKey,
    }: {
      connector: string;
      customer: CustomerInput;
      idempotencyKey: string;
    }): Promise<Customer> {
      const erp = connectors.resolve('erp', connector);
      return callConnector(() => erp.upsertCustomer(customer, { idempotencyKey }));
    },

    async createSalesOrder({
      connector,
      order,
      idempotencyKey,
    }: {
      connector: string;
      order: SalesOrderInput;
      idempotencyKey: string;
    }): Promise<SalesOrder> {
      const erp = connectors.resolve('erp', connector);
      return callConnector(() => erp.createSalesOrder(order, { idempotencyKey }));
    },

    async cancelSalesOrder({
      connector,
      salesOrderId,
      idempotencyKey,
    }: {
      connector: string;
      salesOrderId: string;
      idempotencyKey: string;
    }): Promise<SalesOrder> {
      const erp = connectors.resolve('erp', connector);
      return callConnector(() => erp.cancelSalesOrder(salesOrderId, { idempotencyKey }));
    },

    async createInvoice({
      connector,
      invoice,
      idempotencyKey,
    }: {
      connector: string;
      invoice: InvoiceInput;
      idempotencyKey: string;
    }): Promise<Invoice> {
      const erp = connectors.resolve('erp', connector);
      return callConnector(() => erp.createInvoice(invoice, { idempotencyKey }));
    },

    async cancelInvoice({
      connector,
      invoiceId,
      idempotencyKey,
    }: {
      connector: string;
      invoiceId: string;
      idempotencyKey: string;
    }): Promise<Invoice> {
      const erp = connectors.resolve('erp', connector);
      return callConnector(() => erp.cancelInvoice(invoiceId, { idempotencyKey }));
    },
  };
}
