/**
 * Items with their `inventory` → one available quantity per requested SKU. BC item numbers are
 * Code fields (stored upper case), so SKUs are looked up upper-cased and answered in the
 * caller's spelling.
 */
import type { StockLevel } from '../../../spi';
import { bcManifest } from '../bc.manifest';
import type { RawItem } from '../bc.schemas';
import { odataString } from '../bc.client';

/** The item number a SKU is stored under; null when it cannot be one (longer than Code[20]). */
export function itemNumber(sku: string): string | null {
  return sku.length > bcManifest.limits.itemNumber ? null : sku.toUpperCase();
}

/** `number eq 'A' or number eq 'B'` for the SKUs that can be item numbers. */
export function itemFilter(numbers: readonly string[]): string {
  return numbers.map((number) => `number eq ${odataString(number)}`).join(' or ');
}

/**
 * Whole units on hand, never below 0 (part of a unit cannot be sold; BC's inventory can be
 * negative when shipping outruns posting). A SKU without an item has 0 available.
 */
export function toStockLevels(skus: readonly string[], items: readonly RawItem[]): StockLevel[] {
  const byNumber = new Map(items.map((item) => [(item.number ?? '').toUpperCase(), item]));
  return skus.map((sku) => {
    const number = itemNumber(sku);
    const inventory = number === null ? 0 : (byNumber.get(number)?.inventory ?? 0);
    return { sku, available: Math.max(0, Math.floor(inventory)) };
  });
}
