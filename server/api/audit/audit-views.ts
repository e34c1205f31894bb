import type { AuditEntry } from '../../db/models';

/** An audit row as GET /v1/audit shows it. */
export interface AuditEntryView {
  id: number;
  at: string;
  /** `<key name> (<key prefix>)`, `oidc:<subject>` or `anonymous`. */
  actor: string;
  /** The key (id, name, prefix) or token (subject, issuer) behind the actor; null when unauthenticated. */
  principal: Record<string, unknown> | null;
  action: string;
  target: string | null;
  method: string | null;
  /** The request path, without its query string. */
  path: string | null;
  /** The route pattern, e.g. /v1/keys/:id/revoke; null when no route matched. */
  route: string | null;
  requestId: string | null;
  outcome: 'success' | 'failure';
  statusCode: number | null;
  /** What the route recorded about the action (never request bodies or credentials). */
  details: Record<string, unknown>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** MariaDB keeps JSON columns as text, so the driver may hand back a string. */
function readDetails(value: unknown): Record<string, unknown> {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  return isRecord(parsed) ? parsed : {};
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export function toAuditEntryView(row: AuditEntry): AuditEntryView {
  const { method, path, route, principal, ...details } = readDetails(row.details);
  return {
    id: Number(row.id),
    at: row.at.toISOString(),
    actor: row.actor,
    principal: isRecord(principal) ? principal : null,
    action: row.action,
    target: row.target,
    method: stringOrNull(method),
    path: stringOrNull(path),
    route: stringOrNull(route),
    requestId: row.requestId,
    outcome: row.outcome,
    statusCode: row.statusCode,
    details,
  };
}
