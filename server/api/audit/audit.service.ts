import { Op, type WhereOptions } from 'sequelize';
import type { ApiKey, AuditEntry } from '../../db/models';
import { keyActor, oidcActor } from '../auth/principal';
import { AppError } from '../../errors/app-error';
import { decodePageToken, encodePageToken } from '../../temporal/page-token';
import { toAuditEntryView, type AuditEntryView } from './audit-views';

export interface AuditServiceDeps {
  auditEntries: typeof AuditEntry;
  apiKeys: typeof ApiKey;
}

export interface AuditFilter {
  /** A key id, key name or key prefix, an OIDC subject, or an actor string as audit rows show it. */
  actor?: string;
  /** Exact, or a family with a trailing `.*` (e.g. `keys.*`). */
  action?: string;
  target?: string;
  outcome?: 'success' | 'failure';
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
  requestId?: string;
}

export interface AuditPage {
  /** Newest first. */
  items: AuditEntryView[];
  nextPageToken: string | null;
}

export interface AuditService {
  list(filter: AuditFilter, page: { pageSize: number; pageToken?: string }): Promise<AuditPage>;
}

interface Position {
  at: number;
  id: number;
}

const INVALID_PAGE_TOKEN = AppError.validation('The query is invalid.', [
  { field: 'pageToken', message: 'must be the nextPageToken of a previous page with the same filters' },
]);

/** Page tokens carry the (at, id) of a page's last row, bound to the filters they were issued with. */
function filterKey(filter: AuditFilter): string {
  const { actor, action, target, outcome, from, to, requestId } = filter;
  return `audit?${JSON.stringify([actor, action, target, outcome, from?.toISOString(), to?.toISOString(), requestId])}`;
}

function decodePosition(filter: AuditFilter, token: string): Position {
  const bytes = decodePageToken(filterKey(filter), token);
  const match = bytes ? /^(\d{1,15}):(\d{1,20})$/.exec(Buffer.from(bytes).toString('utf8')) : null;
  if (!match) throw INVALID_PAGE_TOKEN;
  return { at: Number(match[1]), id: Number(match[2]) };
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export function createAuditService({ auditEntries, apiKeys }: AuditServiceDeps): AuditService {
  /** Every actor string the filter value can stand for. Key names never change, so a key's actor string is fixed. */
  async function actorsMatching(value: string): Promise<string[]> {
    const byKey: WhereOptions<ApiKey>[] = [{ name: value }, { prefix: value }];
    if (/^[1-9]\d{0,9}$/.test(value)) byKey.push({ id: Number(value) });
    const keys = await apiKeys.findAll({ where: { [Op.or]: byKey }, attributes: ['name', 'prefix'] });
    return [...new Set([value, oidcActor(value), ...keys.map((key) => keyActor(key.name, key.prefix))])];
  }

  return {
    async list(filter, { pageSize, pageToken }) {
      const conditions: WhereOptions<AuditEntry>[] = [];
      if (filter.actor !== undefined) conditions.push({ actor: { [Op.in]: await actorsMatching(filter.actor) } });
      if (filter.action !== undefined) {
        conditions.push(
          filter.action.endsWith('.*')
            ? { action: { [Op.like]: `${escapeLike(filter.action.slice(0, -1))}%` } }
            : { action: filter.action },
        );
      }
      if (filter.target !== undefined) conditions.push({ target: filter.target });
      if (filter.outcome !== undefined) conditions.push({ outcome: filter.outcome });
      if (filter.requestId !== undefined) conditions.push({ requestId: filter.requestId });
      if (filter.from) conditions.push({ at: { [Op.gte]: filter.from } });
      if (filter.to) conditions.push({ at: { [Op.lt]: filter.to } });
      if (pageToken) {
        const after = decodePosition(filter, pageToken);
        const at = new Date(after.at);
        conditions.push({ [Op.or]: [{ at: { [Op.lt]: at } }, { at, id: { [Op.lt]: after.id } }] });
      }
      // One row more than the page tells whether another page follows.
      const rows = await auditEntries.findAll({
        where: { [Op.and]: conditions },
        order: [
          ['at', 'DESC'],
          ['id', 'DESC'],
        ],
        limit: pageSize + 1,
      });
      const page = rows.slice(0, pageSize);
      const last = page[page.length - 1];
      const nextPageToken =
        rows.length > pageSize && last
          ? encodePageToken(filterKey(filter), Buffer.from(`${last.at.getTime()}:${Number(last.id)}`, 'utf8'))
          : null;
      return { items: page.map(toAuditEntryView), nextPageToken };
    },
  };
}
