/**
 * Shopify orders/create bodies for the Shopify source's tests, from the fixture that follows
 * Shopify's documented payload (test/fixtures/shopify/orders-create.json). Bodies are text, as
 * Shopify sends them: its order ids are int64 and exceed JavaScript's safe integers, so an id is
 * replaced in the text, never by parsing and re-serialising the number.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SHOPIFY_ORDERS_CREATE_FIXTURE = join(__dirname, '../fixtures/shopify/orders-create.json');
/** The shipped source file (EVENT_SOURCES_FILE) under test. */
export const SHOPIFY_SOURCES_FILE = join(__dirname, '../../config/event-sources.shopify.yaml');

const FIXTURE_TEXT = readFileSync(SHOPIFY_ORDERS_CREATE_FIXTURE, 'utf8');
const FIXTURE_ORDER_ID = '7359421858163729431';

let sequence = 0;

/** A fresh 19-digit order id (past 2^53, like the fixture's), unique per call and test run. */
export function newShopifyOrderId(): string {
  sequence += 1;
  return String(7_000_000_000_000_000_000n + BigInt(Date.now()) * 10_000n + BigInt(sequence % 10_000));
}

/** The fixture's body text with `orderId` for the order's id (the number and the gid). */
export function shopifyOrderBody(orderId: string = FIXTURE_ORDER_ID): string {
  return FIXTURE_TEXT.replaceAll(FIXTURE_ORDER_ID, orderId);
}

export type ShopifyOrder = Record<string, unknown> & {
  line_items: Record<string, unknown>[];
  customer?: Record<string, unknown> | null;
  billing_address?: Record<string, unknown> | null;
};

/**
 * The body with `change` applied to the parsed order. Parsing rounds the int64 ids to doubles in
 * the text it returns; the mapping reads the order's gid, which stays exact.
 */
export function changedShopifyOrderBody(orderId: string, change: (order: ShopifyOrder) => void): string {
  const order = JSON.parse(shopifyOrderBody(orderId)) as ShopifyOrder;
  change(order);
  return JSON.stringify(order);
}
