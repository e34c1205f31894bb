import { Op } from 'sequelize';
import { z } from 'zod';
import type { ApiKey } from '../../db/models';
import { getLogger } from '../../logging/logger';
import { AppError } from '../errors';
import { generateKey, hashSecret, parseKey, secretMatches } from './api-key-format';
import { isScope, SCOPES, type Principal, type Scope } from './scopes';

export interface ApiKeysServiceDeps {
  apiKeys: typeof ApiKey;
  now?: () => Date;
  /** last_used_at is written at most this often per key (default one minute). */
  lastUsedWriteIntervalMs?: number;
}

export interface CreateKeyRequest {
  name: string;
  scopes: readonly string[];
  expiresAt?: Date | null;
}

export interface CreatedKey {
  id: number;
  name: string;
  /** The full key; returned once and never stored. */
  key: string;
  prefix: string;
  scopes: Scope[];
  expiresAt: Date | null;
}

export interface ApiKeySummary {
  id: number;
  name: string;
  prefix: string;
  scopes: Scope[];
  status: 'active' | 'revoked' | 'expired';
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
}

export interface ApiKeysService {
  createKey(request: CreateKeyRequest): Promise<CreatedKey>;
  /** The principal for a valid, unrevoked, unexpired key; null for anything else. */
  verifyKey(raw: string): Promise<Principal | null>;
  /** false when no key has this id; revoking twice keeps the first revocation time. */
  revokeKey(id: number): Promise<boolean>;
  listKeys(): Promise<ApiKeySummary[]>;
}

const createKeySchema = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z
    .array(z.string().refine(isScope, { message: `must be one of ${SCOPES.join(', ')}` }))
    .min(1, 'at least one scope is required'),
  expiresAt: z.date().nullable().optional(),
});

/** MariaDB keeps JSON columns as text, so the driver may hand back a string. */
function readScopes(value: unknown): Scope[] {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  return Array.isArray(parsed) ? parsed.filter((s): s is Scope => typeof s === 'string' && isScope(s)) : [];
}

export function createApiKeysService(deps: ApiKeysServiceDeps): ApiKeysService {
  const { apiKeys } = deps;
  const now = deps.now ?? (() => new Date());
  const writeInterval = deps.lastUsedWriteIntervalMs ?? 60_000;

  function statusOf(row: ApiKey, at: Date): ApiKeySummary['status'] {
    if (row.revokedAt) return 'revoked';
    if (row.expiresAt && row.expiresAt.getTime() <= at.getTime()) return 'expired';
    return 'active';
  }

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
      const expiresAt = parsed.data.expiresAt ?? null;
      const { prefix, secret, key } = generateKey();
      const row = await apiKeys.create({
        name: parsed.data.name,
        prefix,
        secretHash: hashSecret(secret),
        scopes,
        expiresAt,
        revokedAt: null,
        lastUsedAt: null,
      });
      return { id: row.id, name: row.name, key, prefix, scopes, expiresAt };
    },

    async verifyKey(raw) {
      const parsed = parseKey(raw);
      if (!parsed) return null;
      const row = await apiKeys.findOne({ where: { prefix: parsed.prefix } });
      if (!row || !secretMatches(parsed.secret, row.secretHash)) return null;
      const at = now();
      if (statusOf(row, at) !== 'active') return null;
      await touch(row, at);
      return { keyId: row.id, name: row.name, prefix: row.prefix, scopes: readScopes(row.scopes) };
    },

    async revokeKey(id) {
      const row = await apiKeys.findByPk(id);
      if (!row) return false;
      if (!row.revokedAt) await row.update({ revokedAt: now() });
      return true;
    },

    async listKeys() {
      const rows = await apiKeys.findAll({ order: [['id', 'ASC']] });
      const at = now();
      return rows.map((row) => ({
        id: row.id,
        name: row.name,
        prefix: row.prefix,
        scopes: readScopes(row.scopes),
        status: statusOf(row, at),
        expiresAt: row.expiresAt,
        revokedAt: row.revokedAt,
        lastUsedAt: row.lastUsedAt,
        createdAt: row.createdAt,
      }));
    },
  };
}
