/**
 * The change feed of contacts (listContactsChangedSince): one SOQL query ordered by
 * (LastModifiedDate, Id), read batch by batch through its query locator (`nextRecordsUrl`).
 *
 * The cursor carries both the locator and a checkpoint — LastModifiedDate and Id of the last
 * record returned. A locator is the cheap way on (Salesforce keeps the query's result), but it
 * dies after about 15 idle minutes (INVALID_QUERY_LOCATOR); then the feed runs a fresh query from
 * the checkpoint:
 *
 *   LastModifiedDate > t  OR  (LastModifiedDate = t AND Id > id)    ORDER BY LastModifiedDate, Id
 *
 * which is exact keyset paging, as Id breaks ties within the second Salesforce timestamps keep.
 * A batch holding more records than the page size asked for (Salesforce's smallest batch is 200)
 * is cut, and the cursor keeps only the checkpoint. A contact changed while the feed is read
 * moves past every checkpoint, so it comes again later: consumers upsert by id (at least once).
 * When a query is exhausted the cursor is the bare checkpoint, not null: a locator's result is
 * a snapshot, so only a fresh query sees later changes. `nextCursor` is null after a page that
 * found nothing new; a sync resumes from the last non-null cursor it saw.
 */
import { z } from 'zod';
import { salesforceManifest } from './salesforce.manifest';
import type { ContactRecord, QueryResult } from './salesforce.schemas';
import { CONTACT_FIELDS, salesforceTime } from './mappers/to-contact';
import { soqlDateTime, soqlId, soqlSelect } from './soql';
import { decodeOptionalPageCursor, encodePageCursor } from '../../page-cursor';

const cursorPayload = z.object({
  /** The query locator (nextRecordsUrl) to continue from; absent: query from the checkpoint. */
  l: z.string().regex(salesforceManifest.queryLocatorPath).optional(),
  /** Checkpoint: LastModifiedDate (epoch ms) and Id of the last record returned. */
  t: z.number().int().nonnegative(),
  id: z.string().regex(/^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/),
});
export type ContactsCursor = z.infer<typeof cursorPayload>;

export function encodeContactsCursor(cursor: ContactsCursor): string {
  return encodePageCursor(cursor);
}

/** The cursor is client input: only a locator path and a checkpoint we could have issued pass. */
export function decodeContactsCursor(token: string | null, instance: string): ContactsCursor | null {
  return decodeOptionalPageCursor(cursorPayload, token, instance);
}

/** The feed's query from a checkpoint (or from the beginning). */
export function contactsQuery(from: ContactsCursor | null): string {
  const orderBy = 'LastModifiedDate, Id';
  if (from === null) return soqlSelect({ fields: CONTACT_FIELDS, from: 'Contact', orderBy });
  const at = soqlDateTime(from.t);
  return soqlSelect({
    fields: CONTACT_FIELDS,
    from: 'Contact',
    where: `(LastModifiedDate > ${at} OR (LastModifiedDate = ${at} AND Id > ${soqlId(from.id)}))`,
    orderBy,
  });
}

/** `Sforce-Query-Options` batch size for a page size: Salesforce takes 200..2000. */
export function batchSizeFor(pageSize: number): number {
  const { minBatchSize, maxBatchSize } = salesforceManifest.paging;
  return Math.min(Math.max(pageSize, minBatchSize), maxBatchSize);
}

/** The records of one page and the cursor after them (null when the page found nothing). */
export function contactsPage(
  result: QueryResult<ContactRecord>,
  pageSize: number,
  previous: ContactsCursor | null,
): { records: ContactRecord[]; next: ContactsCursor | null } {
  const records = result.records.slice(0, pageSize);
  const last = records.at(-1);
  if (last === undefined)
    return {
      records,
      next: result.nextRecordsUrl !== undefined && previous !== null ? { ...previous, l: result.nextRecordsUrl } : null,
    };
  const checkpoint = { t: salesforceTime(last.LastModifiedDate), id: last.Id };
  // More than a page came back, or the query is exhausted: go on with a fresh query from the checkpoint.
  if (result.records.length > pageSize || result.nextRecordsUrl === undefined) return { records, next: checkpoint };
  return { records, next: { ...checkpoint, l: result.nextRecordsUrl } };
}
