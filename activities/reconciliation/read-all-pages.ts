import { ApplicationFailure } from '@temporalio/common';
import type { Page } from '../../connectors/spi';

/** A listing longer than this is a vendor paging bug, not a window's worth of records. */
export const MAX_PAGES = 10_000;

/**
 * Reads a paged listing to its end, calling `onPage` after each page (the activity heartbeats
 * there). A cursor that comes back a second time would loop forever: that fails non-retryably.
 */
export async function readAllPages<T>(
  listing: string,
  fetch: (cursor: string | null) => Promise<Page<T>>,
  onPage: (itemsSoFar: number) => void,
): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let cursor: string | null = null;
  for (let pages = 1; ; pages++) {
    const page: Page<T> = await fetch(cursor);
    items.push(...page.items);
    onPage(items.length);
    if (page.nextCursor === null) return items;
    if (seen.has(page.nextCursor) || pages >= MAX_PAGES) {
      throw ApplicationFailure.nonRetryable(
        `${listing}: the vendor's paging does not end (page ${pages})`,
        'PAGING_LOOP',
      );
    }
    seen.add(page.nextCursor);
    cursor = page.nextCursor;
  }
}
