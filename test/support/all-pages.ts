import type { Page } from '../../connectors/spi';

/** Reads a paged listing to its end (at most 50 pages, so a cursor bug cannot loop forever). */
export async function allPages<T>(
  fetch: (cursor: string | null) => Promise<Page<T>>,
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: Page<T> = await fetch(cursor);
    items.push(...page.items);
    cursor = page.nextCursor;
    pages += 1;
  } while (cursor !== null && pages < 50);
  return { items, pages };
}
