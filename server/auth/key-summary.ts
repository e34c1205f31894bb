import { Op, type WhereOptions } from 'sequelize';
import type { ApiKey } from '../db/models';
import { isScope, type Scope } from './scopes';

export const KEY_STATUSES = ['active', 'revoked', 'expired'] as const;
export type KeyStatus = (typeof KEY_STATUSES)[number];

/** A key as listings show it: everything but its secret and hash. */
export interface ApiKeySummary {
  id: number;
  name: string;
  prefix: string;
  scopes: Scope[];
  /** The person the key was issued to; null for a system's key. */
  actsAs: string | null;
  status: KeyStatus;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
}

/**
 * MariaDB keeps JSON columns as text, so the driver may hand back a string. What is not a scope of
 * the grammar is dropped; a process scope naming a type the catalog no longer has is kept and grants nothing.
 */
export function readScopes(value: unknown): Scope[] {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  return Array.isArray(parsed) ? parsed.filter((s): s is Scope => typeof s === 'string' && isScope(s)) : [];
}

export function statusOf(row: ApiKey, at: Date): KeyStatus {
  if (row.revokedAt) return 'revoked';
  if (row.expiresAt && row.expiresAt.getTime() <= at.getTime()) return 'expired';
  return 'active';
}

export function toSummary(row: ApiKey, at: Date): ApiKeySummary {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: readScopes(row.scopes),
    actsAs: row.actsAs ?? null,
    status: statusOf(row, at),
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
    lastUsedAt: row.lastUsedAt,
    createdAt: row.createdAt,
  };
}

/** The same statuses as statusOf, as a query condition. */
export function whereStatus(status: KeyStatus, at: Date): WhereOptions<ApiKey> {
  switch (status) {
    case 'revoked':
      return { revokedAt: { [Op.ne]: null } };
    case 'expired':
      return { revokedAt: null, expiresAt: { [Op.lte]: at } };
    case 'active':
      return { revokedAt: null, [Op.or]: [{ expiresAt: null }, { expiresAt: { [Op.gt]: at } }] };
  }
}
