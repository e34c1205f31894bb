/**
 * The sandbox vendor's document store over sandbox_records: typed reads, inserts and paging per
 * collection, and `runOnce`, which makes a write exactly-once per idempotency key.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Op, Transaction, UniqueConstraintError, type Sequelize, type WhereOptions } from 'sequelize';
import { z } from 'zod';
import type { SandboxModels, SandboxRecord } from './sandbox.models';
import type { SandboxCursor } from './sandbox-cursor';
import type { SandboxCollection } from './sandbox-collections';

export interface SandboxDoc<T> {
  id: string;
  naturalKey: string | null;
  data: T;
  createdAt: Date;
  updatedAt: Date;
}

export interface SandboxPageQuery {
  orderBy: 'createdAt' | 'updatedAt';
  after: SandboxCursor | null;
  /** On createdAt: from inclusive, to exclusive. */
  window?: { from: Date; to: Date };
  limit: number;
}

const RECEIPTS = 'receipts';
/** Concurrent writers of one key or one natural key: the loser re-reads and usually finds the winner's work. */
const MAX_ATTEMPTS = 4;
const MYSQL_DEADLOCK = 1213;
const KEY_COLUMN_LENGTH = 255;

export function newSandboxId(prefix: string): string {
  return `${prefix}_${randomBytes(10).toString('hex')}`;
}

/** Keys longer than the column are stored as their hash: still unique, still deterministic. */
function storedKey(key: string): string {
  return key.length <= KEY_COLUMN_LENGTH ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

/** MariaDB stores JSON as LONGTEXT; some driver paths hand back the raw string. */
function jsonOf(row: SandboxRecord): unknown {
  const data: unknown = row.data;
  return typeof data === 'string' ? JSON.parse(data) : data;
}

const receiptSchema = z.object({ operation: z.string(), result: z.unknown() });

function isRaceLoss(error: unknown): boolean {
  if (error instanceof UniqueConstraintError) return true;
  const parent = (error as { parent?: { errno?: unknown } } | null)?.parent;
  return parent?.errno === MYSQL_DEADLOCK;
}

export class SandboxStore {
  constructor(
    private readonly models: SandboxModels,
    readonly instance: string,
  ) {}

  private get sequelize(): Sequelize {
    const sequelize = this.models.SandboxRecord.sequelize;
    if (!sequelize) throw new Error('SandboxRecord is not bound to a database (call initModels first)');
    return sequelize;
  }

  private toDoc<T>(collection: SandboxCollection<T>, row: SandboxRecord): SandboxDoc<T> {
    return {
      id: row.id,
      naturalKey: row.naturalKey,
      data: collection.schema.parse(jsonOf(row)),
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }

  /** Inside a transaction the row is locked (FOR UPDATE) until commit: reads there precede writes. */
  private async findOne<T>(
    collection: SandboxCollection<T>,
    where: WhereOptions<SandboxRecord>,
    tx?: Transaction,
  ): Promise<SandboxDoc<T> | null> {
    const row = await this.models.SandboxRecord.findOne({
      where: { instance: this.instance, collection: collection.name, ...where },
      ...(tx ? { transaction: tx, lock: true } : {}),
    });
    return row ? this.toDoc(collection, row) : null;
  }

  get<T>(collection: SandboxCollection<T>, id: string, tx?: Transaction): Promise<SandboxDoc<T> | null> {
    return this.findOne(collection, { id }, tx);
  }

  getByNaturalKey<T>(
    collection: SandboxCollection<T>,
    naturalKey: string,
    tx?: Transaction,
  ): Promise<SandboxDoc<T> | null> {
    return this.findOne(collection, { naturalKey }, tx);
  }

  async getManyByNaturalKey<T>(
    collection: SandboxCollection<T>,
    naturalKeys: string[],
    tx?: Transaction,
  ): Promise<Map<string, SandboxDoc<T>>> {
    if (naturalKeys.length === 0) return new Map();
    const rows = await this.models.SandboxRecord.findAll({
      where: { instance: this.instance, collection: collection.name, naturalKey: { [Op.in]: naturalKeys } },
      // A stable lock order keeps two reservations of the same SKUs from deadlocking.
      order: [['naturalKey', 'ASC']],
      ...(tx ? { transaction: tx, lock: true } : {}),
    });
    return new Map(rows.map((row) => [row.naturalKey ?? '', this.toDoc(collection, row)]));
  }

  async insert<T>(
    collection: SandboxCollection<T>,
    record: { naturalKey?: string; idempotencyKey?: string; data: T },
    tx?: Transaction,
  ): Promise<SandboxDoc<T>> {
    const row = await this.models.SandboxRecord.create(
      {
        id: newSandboxId(collection.idPrefix),
        instance: this.instance,
        collection: collection.name,
        naturalKey: record.naturalKey ?? null,
        idempotencyKey: record.idempotencyKey === undefined ? null : storedKey(record.idempotencyKey),
        data: collection.schema.parse(record.data) as Record<string, unknown>,
      },
      tx ? { transaction: tx } : {},
    );
    return this.toDoc(collection, row);
  }

  async replace<T>(
    collection: SandboxCollection<T>,
    doc: SandboxDoc<T>,
    data: T,
    tx?: Transaction,
  ): Promise<SandboxDoc<T>> {
    const updatedAt = new Date();
    // silent + an explicit updatedAt: we need the stored value back without a second read.
    await this.models.SandboxRecord.update(
      { data: collection.schema.parse(data) as Record<string, unknown>, updatedAt },
      {
        where: { id: doc.id, instance: this.instance, collection: collection.name },
        silent: true,
        ...(tx ? { transaction: tx } : {}),
      },
    );
    return { ...doc, data, updatedAt };
  }

  /** One page in (orderBy, id) order; `next` is the position of its last row when more follow. */
  async page<T>(
    collection: SandboxCollection<T>,
    query: SandboxPageQuery,
  ): Promise<{ docs: SandboxDoc<T>[]; next: SandboxCursor | null }> {
    const field = query.orderBy;
    const conditions: WhereOptions<SandboxRecord>[] = [{ instance: this.instance, collection: collection.name }];
    if (query.window) conditions.push({ createdAt: { [Op.gte]: query.window.from, [Op.lt]: query.window.to } });
    if (query.after) {
      const { at, id } = query.after;
      conditions.push({ [Op.or]: [{ [field]: { [Op.gt]: at } }, { [field]: at, id: { [Op.gt]: id } }] });
    }
    const rows = await this.models.SandboxRecord.findAll({
      where: { [Op.and]: conditions },
      order: [
        [field, 'ASC'],
        ['id', 'ASC'],
      ],
      limit: query.limit + 1,
    });
    const docs = rows.slice(0, query.limit).map((row) => this.toDoc(collection, row));
    const last = docs[docs.length - 1];
    const next = rows.length > query.limit && last ? { at: last[field], id: last.id } : null;
    return { docs, next };
  }

  count(collectionName: string): Promise<number> {
    return this.models.SandboxRecord.count({ where: { instance: this.instance, collection: collectionName } });
  }

  /** The next value of a named per-instance sequence (1, 2, 3 …), inside the caller's transaction. */
  async nextSequenceValue(
    name: string,
    tx: Transaction,
    collection: SandboxCollection<{ value: number }>,
  ): Promise<number> {
    const current = await this.getByNaturalKey(collection, name, tx);
    if (!current) {
      await this.insert(collection, { naturalKey: name, data: { value: 1 } }, tx);
      return 1;
    }
    const value = current.data.value + 1;
    await this.replace(collection, current, { value }, tx);
    return value;
  }

  /**
   * Runs `perform` at most once per (operation, idempotency key) and answers every later call
   * with the first answer. The receipt row is inserted first, in the same transaction as the
   * work: a concurrent caller with the same key blocks on its unique index until we commit, then
   * fails on the duplicate and reads our receipt. A failed `perform` rolls back and leaves no
   * receipt, so refusals (declines, conflicts) are evaluated afresh on a retry.
   */
  async runOnce<T>(
    operation: string,
    idempotencyKey: string,
    resultSchema: z.ZodType<T>,
    perform: (tx: Transaction) => Promise<T>,
  ): Promise<T> {
    const key = storedKey(`${operation}:${idempotencyKey}`);
    for (let attempt = 1; ; attempt++) {
      const earlier = await this.models.SandboxRecord.findOne({
        where: { instance: this.instance, collection: RECEIPTS, idempotencyKey: key },
      });
      if (earlier) return resultSchema.parse(receiptSchema.parse(jsonOf(earlier)).result);
      try {
        // READ COMMITTED: a lookup of a key that has no row yet takes no gap lock, so concurrent
        // first writes of different keys do not deadlock; the unique indexes decide real races.
        return await this.sequelize.transaction(
          { isolationLevel: Transaction.ISOLATION_LEVELS.READ_COMMITTED },
          async (tx) => {
            const receipt = await this.models.SandboxRecord.create(
              {
                id: newSandboxId('rcp'),
                instance: this.instance,
                collection: RECEIPTS,
                naturalKey: null,
                idempotencyKey: key,
                data: { operation },
              },
              { transaction: tx },
            );
            const result = await perform(tx);
            await this.models.SandboxRecord.update(
              { data: { operation, result } },
              { where: { id: receipt.id }, transaction: tx },
            );
            return result;
          },
        );
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isRaceLoss(error)) throw error;
      }
    }
  }
}
