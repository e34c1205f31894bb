import type { ApiKeySummary, CreatedKey } from '../../auth/api-keys.service';
import type { Scope } from '../../auth/scopes';

/** A key as the API shows it: never its secret or hash. */
export interface KeyView {
  id: number;
  name: string;
  prefix: string;
  scopes: Scope[];
  actsAs: string | null;
  status: ApiKeySummary['status'];
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
  links: { self: string; revoke: string };
}

export function keyLink(id: number): string {
  return `/v1/keys/${id}`;
}

function iso(at: Date | null): string | null {
  return at ? at.toISOString() : null;
}

export function toKeyView(key: ApiKeySummary): KeyView {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    actsAs: key.actsAs,
    status: key.status,
    expiresAt: iso(key.expiresAt),
    revokedAt: iso(key.revokedAt),
    lastUsedAt: iso(key.lastUsedAt),
    createdAt: key.createdAt.toISOString(),
    links: { self: keyLink(key.id), revoke: `${keyLink(key.id)}/revoke` },
  };
}

/** The one answer that carries the key itself: the response to its creation. */
export function toCreatedKeyView(created: CreatedKey): KeyView & { key: string } {
  return {
    ...toKeyView({ ...created, status: 'active', revokedAt: null, lastUsedAt: null }),
    key: created.key,
  };
}
