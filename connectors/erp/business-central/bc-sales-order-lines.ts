/**
 * The two steps of createSalesOrder that v1.0 makes separate requests: SKUs → item ids, and
 * lines added one by one. Lines carry fixed sequence numbers, so a retried create adds only
 * the lines an earlier attempt did not get to, and never one twice.
 */
import type { OrderLine } from '../../spi';
import { invalidInput } from './bc-errors';
import type { BcApiClient } from './bc.client';
import { itemSelect, rawItem, rawSalesOrderLine, salesOrderLineSelect } from './bc.schemas';
import { itemFilter, itemNumber } from './mappers/to-stock-level';
import { lineSequence, toSalesOrderLineCreate } from './mappers/to-sales-order';

interface LinesOf {
  lines: readonly OrderLine[];
  currency: string;
}

/** Item numbers per `$filter`: keeps the URL well below gateway limits. */
export const ITEMS_PER_QUERY = 20;

/** Item number → item, for the given SKUs (those that can be item numbers). */
export async function findItems(api: BcApiClient, skus: readonly string[], select: readonly string[] = itemSelect) {
  const numbers = [...new Set(skus.map(itemNumber).filter((n): n is string => n !== null))];
  const items = [];
  for (let start = 0; start < numbers.length; start += ITEMS_PER_QUERY) {
    items.push(
      ...(await api.list(
        'items',
        { $filter: itemFilter(numbers.slice(start, start + ITEMS_PER_QUERY)), $select: select },
        rawItem,
      )),
    );
  }
  return items;
}

/** The item id of every line's SKU; an unknown SKU is an INVALID_REQUEST naming the line. */
export async function itemIdsFor(api: BcApiClient, lines: readonly OrderLine[], instance: string): Promise<string[]> {
  const byNumber = new Map(
    (
      await findItems(
        api,
        lines.map((line) => line.sku),
        ['id', 'number'],
      )
    ).map((item) => [(item.number ?? '').toUpperCase(), item.id]),
  );
  return lines.map((line, index) => {
    const id = byNumber.get(itemNumber(line.sku) ?? '');
    if (id === undefined)
      throw invalidInput(instance, `lines[${index}].sku: no item numbered ${line.sku} in Business Central`);
    return id;
  });
}

/** Posts the lines at `indexes`, one by one, each with its fixed sequence number. */
export async function addLines(
  api: BcApiClient,
  orderId: string,
  order: LinesOf,
  itemIds: readonly string[],
  indexes: readonly number[],
): Promise<void> {
  for (const index of indexes) {
    const line = order.lines[index];
    if (line)
      await api.create(
        `salesOrders(${orderId})/salesOrderLines`,
        toSalesOrderLineCreate(line, index, itemIds[index] ?? '', order.currency),
        rawSalesOrderLine,
      );
  }
}

/** Adds the lines an order found by its reference lacks (none, unless an earlier attempt broke off). */
export async function completeLines(
  api: BcApiClient,
  orderId: string,
  order: LinesOf,
  instance: string,
): Promise<void> {
  const present = new Set(
    (
      await api.list(`salesOrders(${orderId})/salesOrderLines`, { $select: salesOrderLineSelect }, rawSalesOrderLine)
    ).map((line) => line.sequence),
  );
  const missing = order.lines.flatMap((_, index) => (present.has(lineSequence(index)) ? [] : [index]));
  if (missing.length === 0) return;
  await addLines(api, orderId, order, await itemIdsFor(api, order.lines, instance), missing);
}
