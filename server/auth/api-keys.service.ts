import { Op, type WhereOptions } from 'sequelize';
import { z } from 'zod';
import type { ApiKey } from '../db/models';
import { getLogger } from '../../logging/logger';
import { AppError } from '../errors/app-error';
import { decodePageToken, encodePageToken } from '../temporal/page-token';
import { generateKey, hashSecret, parseKey, secretMatches } from './api-key-format';
import { readScopes, statusOf, toSummary, whereStatus, type ApiKeySummary, type KeyStatus } from './key-summary';
import { isScope, SCOPE_GRAMMAR, type Scope, type VerifiedKey } from './scopes';

export type { ApiKeySummary, KeyStatus } from './key-summary';

export interface ApiKeysServiceDeps {
  apiKeys: typeof ApiKey;
  now?: () => Date;
  /** last_used_at is written at most this often per key (default one minute). */
  lastUsedWriteIntervalMs?: number;
  /**
   * Days a key lives when its request names no expiry (`expiresAt` undefined); default
   * DEFAULT_KEY_LIFETIME_DAYS; null: such keys never expire.
   */
  defaultLifetimeDays?: number | null;
}

/** API_KEY_DEFAULT_LIFETIME_DAYS' default: a forgotten key stops working within a quarter. */
export const DEFAULT_KEY_LIFETIME_DAYS = 90;
const DAY_MS = 86_400_000;

export interface CreateKeyRequest {
  name: string;
  scopes: readonly string[];
  /** undefined: the default lifetime; null: never expires (asked for explicitly). */
  expiresAt?: Date | null;
  /** The person (email) the key is issued to: decisions made with it are theirs. */
  actsAs?: string | null;
}

export interface CreatedKey {
  id: number;
  name: string;
  /** The full key; returned once and never stored. */
  key: string;
  prefix: string;
  scopes: Scope[];
  expiresAt: Date | null;
  actsAs: string | null;
  createdAt: Date;
}

export interface ListKeysRequest {
  status?: KeyStatus;
  pageSize: number;
  /** The nextPageToken of a previous page with the same status filter. */
  pageToken?: string;
}

export interface KeysPage {
  /** Newest first. */
  items: ApiKeySummary[];
  nextPageToken: string | null;
}

export interface RevokedKey {
  key: ApiKeySummary;
  /** true when the key had been revoked before this call (its revocation time is unchanged). */
  alreadyRevoked: boolean;
}

export interface ApiKeysService {
  createKey(request: CreateKeyRequest): Promise<CreatedKey>;
  /**
   * The key's identity for a valid, unrevoked, unexpired key; null for anything else. Every call
   * reads the key's row (there is no cache), so a revocation or expiry refuses the very next
   * request, on every replica.
   */
  verifyKey(raw: string): Promise<VerifiedKey | null>;
  /** null when no key has this id; revoking twice keeps the first revocation time. */
  revoke(id: number): Promise<RevokedKey | null>;
  /** As revoke, answering only whether the key exists. */
  revokeKey(id: number): Promise<boolean>;
  getKey(id: number): Promise<ApiKeySummary | null>;
  /** Every key, oldest first (for the CLI). */
  listKeys(): Promise<ApiKeySummary[]>;
  listKeysPage(request: ListKeysRequest): Promise<KeysPage>;
}

const createKeySchema = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z
    .array(z.string().refine(isScope, { message: `must be a scope: ${SCOPE_GRAMMAR}` }))
    .min(1, 'at least one scope is required'),
  expiresAt: z.date().nullable().optional(),
  actsAs: z.string().trim().toLowerCase().pipe(z.email()).nullable().optional(),
});

const INVALID_PAGE_TOKEN = AppError.validation('The query is invalid.', [
  { field: 'pageToken', message: 'must be the nextPageToken of a previous page with the same filters' },
]);

/** Page tokens carry the last id of a page, bound to the status filter they were issued with. */
function pageQueryOf(status: KeyStatus | undefined): string {
  return `keys?status=${status ?? ''}`;
}

function decodeLastId(status: KeyStatus | undefined, token: string): number {
  const bytes = decodePageToken(pageQueryOf(status), token);
  const id = bytes ? Number(Buffer.from(bytes).toString('utf8')) : NaN;
  if (!Number.isSafeInteger(id) || id < 1) throw INVALID_PAGE_TOKEN;
  return id;
}

export function createApiKeysService(deps: ApiKeysServiceDeps): ApiKeysService {
  const { apiKeys } = deps;
  const now = deps.now ?? (() => new Date());
  const writeInterval = deps.lastUsedWriteIntervalMs ?? 60_000;
  const defaultLifetimeDays =
    deps.defaultLifetimeDays === undefined ? DEFAULT_KEY_LIFETIME_DAYS : deps.defaultLifetimeDays;
  const defaultExpiry = (): Date | null =>
    defaultLifetimeDays === null ? null : new Date(now().getTime() + defaultLifetimeDays * DAY_MS);

  async function touch(row: ApiKey, at: Date): Promise<void> {
    if (row.lastUsedAt && at.getTime() - row.lastUsedAt.getTime() < writeInterval) return;
    const staleBefore = new Date(at.getTime() - writeInterval);
    // Conditional, so concurrent requests on several replicas still write about once per interval.
    try {
      await apiKeys.update(
        { lastUsedAt: at },
        { where: { id: row.id, [Op.or]: [{ lastUsedAt: null }, { lastUsedAt: { [Op.lt]: staleBefore } }] } },
      );
    } catch (error) {
      getLogger().warn('could not record key use', { keyPrefix: row.prefix, error: (error as Error).message });
    }
  }

  async function getKey(id: number): Promise<ApiKeySummary | null> {
    const row = await apiKeys.findByPk(id);
    return row ? toSummary(row, now()) : null;
  }

  async function revoke(id: number): Promise<RevokedKey | null> {
    // Conditional, so two concurrent revocations agree on which of them revoked the key.
    const [changed] = await apiKeys.update({ revokedAt: now() }, { where: { id, revokedAt: null } });
    const key = await getKey(id);
    return key ? { key, alreadyRevoked: changed === 0 } : null;
  }

  return {
    async createKey(request) {
      const parsed = createKeySchema.safeParse(request);
      if (!parsed.success) {
        throw AppError.validation(
          'The key request is invalid',
          parsed.error.issues.map((issue) => ({ field: issue.path.join('.') || '(key)', message: issue.message })),
        );
      }
      const scopes = [...new Set(parsed.data.scopes)] as Scope[];
      const expiresAt = parsed.data.expiresAt === undefined ? defaultExpiry() : parsed.data.expiresAt;
      const actsAs = parsed.data.actsAs ?? null;
      const { prefix, secret, key } = generateKey();
      const row = await apiKeys.create({
        name: parsed.data.name,
        prefix,
        secretHash: hashSecret(secret),
        scopes,
        actsAs,
        expiresAt,
        revokedAt: null,
        lastUsedAt: null,
      });
      return { id: row.id, name: row.name, key, prefix, scopes, expiresAt, actsAs, createdAt: row.createdAt };
    },

    async verifyKey(raw) {
      const parsed = parseKey(raw);
      if (!parsed) return null;
      const row = await apiKeys.findOne({ where: { prefix: parsed.prefix } });
      if (!row || !secretMatches(parsed.secret, row.secretHash)) return null;
      const at = now();
      if (statusOf(row, at) !== 'active') return null;
      await touch(row, at);
      return {
        keyId: row.id,
        name: row.name,
        prefix: row.prefix,
        scopes: readScopes(row.scopes),
        actsAs: row.actsAs ?? null,
      };
    },

    revoke,

    async revokeKey(id) {
      return (await revoke(id)) !== null;
    },

    getKey,

    async listKeys() {
      const rows = await apiKeys.findAll({ order: [['id', 'ASC']] });
      const at = now();
      return rows.map((row) => toSummary(row, at));
    },

    async listKeysPage({ status, pageSize, pageToken }) {
      const at = now();
      const conditions: WhereOptions<ApiKey>[] = [];
      if (status) conditions.push(whereStatus(status, at));
      if (pageToken) conditions.push({ id: { [Op.lt]: decodeLastId(status, pageToken) } });
      // One row more than the page tells whether another page follows.
      const rows = await apiKeys.findAll({
        where: { [Op.and]: conditions },
        order: [['id', 'DESC']],
        limit: pageSize + 1,
      });
      const items = rows.slice(0, pageSize).map((row) => toSummary(row, at));
      const last = items[items.length - 1];
      const nextPageToken =
        rows.length > pageSize && last
          ? encodePageToken(pageQueryOf(status), Buffer.from(String(last.id), 'utf8'))
          : null;
      return { items, nextPageToken };
    },
  };
}
