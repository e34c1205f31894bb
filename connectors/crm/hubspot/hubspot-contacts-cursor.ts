/**
 * The change feed of contacts (listContactsChangedSince) as keyset paging over HubSpot search.
 *
 * Why not plain `after` paging: one search stops at 10,000 results, and `after` is an offset,
 * so a contact modified while we page moves to the end and shifts every later row back by one
 * (one row is skipped). Instead each page is a fresh search from a checkpoint:
 *
 *   lastmodifieddate > t   OR   (lastmodifieddate = t AND hs_object_id NOT_IN ids)
 *
 * sorted by lastmodifieddate ascending, where t is the newest modification time returned so
 * far and ids the contacts already returned at exactly t. HubSpot sorts by one property, so
 * ties at t come back in no guaranteed order; excluding the ids seen handles that. A write
 * only ever moves a contact forward past the checkpoint, so nothing is skipped.
 *
 * Fallback: NOT_IN takes at most 100 values. When more than 100 contacts share one millisecond
 * the cursor keeps its checkpoint and carries HubSpot's `after` token through that tie group
 * (so only a group of more than 10,000 contacts modified in the same millisecond could hit the cap).
 *
 * Known limit: HubSpot's search index lags writes by seconds, so a contact changed just before
 * a page was read may surface later with an older lastmodifieddate than the checkpoint. A sync
 * that needs every change should re-read a short overlap (e.g. start from a checkpoint a minute
 * back) — the same at-least-once contract as the sandbox feed: consumers upsert by id.
 */
import { z } from 'zod';
import { hubspotManifest } from './hubspot.manifest';
import type { HubSpotSearchRequest, HubSpotSearchResponse } from './hubspot.schemas';
import { CONTACT_PROPERTIES, contactModifiedAt } from './mappers/to-contact';
import { decodeOptionalPageCursor, encodePageCursor } from '../../page-cursor';

const cursorPayload = z.object({
  /** Checkpoint: epoch ms of the newest lastmodifieddate returned. */
  t: z.number().int().nonnegative(),
  /** Contacts already returned with lastmodifieddate = t. */
  ids: z.array(z.string().min(1)).max(hubspotManifest.search.maxFilterValues),
  /** HubSpot's paging token within the checkpoint's search (tie groups past the NOT_IN limit). */
  after: z.string().min(1).optional(),
});
export type ContactsCursor = z.infer<typeof cursorPayload>;

export function encodeContactsCursor(cursor: ContactsCursor): string {
  return encodePageCursor(cursor);
}

export function decodeContactsCursor(token: string | null, instance: string): ContactsCursor | null {
  return decodeOptionalPageCursor(cursorPayload, token, instance);
}

/** The search body of one page of the feed. */
export function contactsPageRequest(cursor: ContactsCursor | null, limit: number): HubSpotSearchRequest {
  const request: HubSpotSearchRequest = {
    filterGroups: [],
    sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
    properties: [...CONTACT_PROPERTIES],
    limit,
  };
  if (cursor === null) return request;
  const t = String(cursor.t);
  request.filterGroups =
    cursor.ids.length === 0
      ? [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: t }] }]
      : [
          { filters: [{ propertyName: 'lastmodifieddate', operator: 'GT', value: t }] },
          {
            filters: [
              { propertyName: 'lastmodifieddate', operator: 'EQ', value: t },
              { propertyName: 'hs_object_id', operator: 'NOT_IN', values: cursor.ids },
            ],
          },
        ];
  if (cursor.after !== undefined) request.after = cursor.after;
  return request;
}

/** The cursor after `response`, or null when the feed is exhausted for now. */
export function nextContactsCursor(
  previous: ContactsCursor | null,
  response: HubSpotSearchResponse,
): ContactsCursor | null {
  const last = response.results.at(-1);
  const after = response.paging?.next?.after;
  if (last === undefined || after === undefined) return null;
  const t = contactModifiedAt(last);
  const atT = response.results.filter((record) => contactModifiedAt(record) === t).map((record) => record.id);
  // A new checkpoint: atT fits NOT_IN, as a page holds at most maxPageSize (= maxFilterValues) rows.
  if (previous === null || previous.t !== t) return { t, ids: atT };
  // Still inside a tie group too large for NOT_IN: keep paging the same search.
  if (previous.after !== undefined) return { ...previous, after };
  const ids = [...new Set([...previous.ids, ...atT])];
  if (ids.length <= hubspotManifest.search.maxFilterValues) return { t, ids };
  return { t, ids: previous.ids, after };
}
