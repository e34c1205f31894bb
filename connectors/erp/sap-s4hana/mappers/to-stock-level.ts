/**
 * Stock rows of A_MatlStkInAcctMod (one per plant, storage location, batch, special stock and
 * stock type) → one available quantity per requested SKU.
 */
import type { StockLevel } from '../../../spi';
import { SapPayloadError } from '../sap-errors';
import type { RawMaterialStock } from '../sap.schemas';
import { decimalToScaled } from '../../../money';

/** Edm.Decimal scale of MatlWrhsStkQtyInMatlBaseUnit: sums stay exact at this scale. */
const QUANTITY_SCALE = 14;
const ONE_UNIT = 10n ** BigInt(QUANTITY_SCALE);

export interface StockRules {
  /** The InventoryStockType that counts (`01`: unrestricted use). */
  stockType: string;
  /** Plants that count; empty: all. */
  plants: readonly string[];
}

/**
 * Sums the requested stock type of normal stock (no special-stock indicator: consignment,
 * customer or project stock belongs to someone else) per material: exact sums, rounded down to
 * whole base units once (part of a unit cannot be sold), never below 0. Rows for materials
 * nobody asked for are ignored (the `$filter` should exclude them); a requested SKU without rows
 * has 0 available. SKUs keep the caller's order and spelling.
 */
export function toStockLevels(
  skus: readonly string[],
  rows: readonly RawMaterialStock[],
  rules: StockRules,
): StockLevel[] {
  const totals = new Map<string, bigint>(skus.map((sku) => [sku, 0n]));
  for (const row of rows) {
    const total = totals.get(row.Material);
    if (total === undefined) continue;
    if ((row.InventoryStockType ?? '') !== rules.stockType) continue;
    if ((row.InventorySpecialStockType ?? '').trim() !== '') continue;
    if (rules.plants.length > 0 && !rules.plants.includes(row.Plant ?? '')) continue;
    const quantity = decimalToScaled(row.MatlWrhsStkQtyInMatlBaseUnit ?? '0', QUANTITY_SCALE);
    if (quantity === undefined)
      throw new SapPayloadError(`stock quantity of material ${row.Material} is not a decimal`);
    totals.set(row.Material, total + quantity);
  }
  return skus.map((sku) => {
    const units = (totals.get(sku) ?? 0n) / ONE_UNIT;
    const available =
      units > 0n ? Number(units > BigInt(Number.MAX_SAFE_INTEGER) ? BigInt(Number.MAX_SAFE_INTEGER) : units) : 0;
    return { sku, available };
  });
}
