/**
 * Stock levels of the sandbox ERP. A SKU nobody has set has DEFAULT_AVAILABLE units, except
 * `OOS-…` SKUs, which have none: demos get an out-of-stock order without any setup.
 */
import { UniqueConstraintError, type Transaction } from 'sequelize';
import { stock } from './sandbox-collections';
import type { SandboxStore } from './sandbox-store';

export const DEFAULT_AVAILABLE = 1000;
export const OUT_OF_STOCK_PREFIX = 'OOS-';

export function defaultAvailable(sku: string): number {
  return sku.startsWith(OUT_OF_STOCK_PREFIX) ? 0 : DEFAULT_AVAILABLE;
}

export interface Reservation {
  sku: string;
  quantity: number;
}

export async function availableStock(store: SandboxStore, skus: string[]): Promise<Map<string, number>> {
  const unique = [...new Set(skus)];
  const stored = await store.getManyByNaturalKey(stock, unique);
  return new Map(unique.map((sku) => [sku, stored.get(sku)?.data.available ?? defaultAvailable(sku)]));
}

/** Adds `delta` per SKU (never below 0) under row locks; returns what actually changed hands. */
async function adjust(store: SandboxStore, deltas: Map<string, number>, tx: Transaction): Promise<Reservation[]> {
  const skus = [...deltas.keys()].sort();
  const stored = await store.getManyByNaturalKey(stock, skus, tx);
  const moved: Reservation[] = [];
  for (const sku of skus) {
    const delta = deltas.get(sku) ?? 0;
    const doc = stored.get(sku);
    const before = doc?.data.available ?? defaultAvailable(sku);
    const after = Math.max(0, before + delta);
    if (doc) await store.replace(stock, doc, { available: after }, tx);
    else await store.insert(stock, { naturalKey: sku, data: { available: after } }, tx);
    moved.push({ sku, quantity: Math.abs(after - before) });
  }
  return moved;
}

/**
 * Takes the ordered quantities out of stock, as much as there is: the workflow checks stock
 * before ordering, so a shortfall here means a race the sandbox does not referee.
 */
export function reserveStock(store: SandboxStore, lines: Reservation[], tx: Transaction): Promise<Reservation[]> {
  const deltas = new Map<string, number>();
  for (const line of lines) deltas.set(line.sku, (deltas.get(line.sku) ?? 0) - line.quantity);
  return adjust(store, deltas, tx);
}

/** Gives back exactly what reserveStock took. */
export async function releaseStock(store: SandboxStore, reserved: Reservation[], tx: Transaction): Promise<void> {
  const deltas = new Map<string, number>();
  for (const line of reserved) if (line.quantity > 0) deltas.set(line.sku, (deltas.get(line.sku) ?? 0) + line.quantity);
  if (deltas.size > 0) await adjust(store, deltas, tx);
}

export async function setStock(store: SandboxStore, sku: string, available: number): Promise<void> {
  const existing = await store.getByNaturalKey(stock, sku);
  if (existing) {
    await store.replace(stock, existing, { available });
    return;
  }
  try {
    await store.insert(stock, { naturalKey: sku, data: { available } });
  } catch (error) {
    // Someone created the row between our read and insert: overwrite theirs, as a set should.
    const created = error instanceof UniqueConstraintError ? await store.getByNaturalKey(stock, sku) : null;
    if (!created) throw error;
    await store.replace(stock, created, { available });
  }
}
