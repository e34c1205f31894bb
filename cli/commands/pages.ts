import { Option, type Command } from 'commander';
import type { ApiClient, ApiReply, QueryParams } from '../api-client';
import type { Page } from '../api-types';
import { parseLimit, parsePageSize } from '../option-parsers';
import type { Output } from '../output/output';

/** The API's largest page. */
const MAX_PAGE_SIZE = 100;

export interface PagingOptions {
  limit: number;
  /** Items per API call (at most the API's 100). */
  pageSize?: number;
  pageToken?: string;
}

export interface Listing<T> {
  items: T[];
  nextPageToken: string | null;
  /**
   * --json: the API's body as sent when one page answered; for several pages, the same shape
   * ({ items, nextPageToken }) with the items of all of them. Otherwise the table (or the ids with
   * --quiet), and on stderr the token to continue with when more are left.
   */
  emit(out: Output, render: (items: T[]) => string, id: (item: T) => string): void;
}

/**
 * Follows nextPageToken until `limit` items are listed or the last page is read. Each page asks
 * for no more than is still wanted, so the final token continues exactly after the last item shown.
 */
export async function fetchPages<T>(
  api: ApiClient,
  path: string,
  filters: QueryParams,
  { limit, pageSize: perCall = MAX_PAGE_SIZE, pageToken }: PagingOptions,
): Promise<Listing<T>> {
  const replies: ApiReply<Page<T>>[] = [];
  const items: T[] = [];
  let token: string | null = pageToken ?? null;
  do {
    const pageSize = Math.min(perCall, MAX_PAGE_SIZE, limit - items.length);
    const reply = await api.get<Page<T>>(path, { ...filters, pageSize, ...(token ? { pageToken: token } : {}) });
    replies.push(reply);
    items.push(...reply.body.items);
    token = reply.body.nextPageToken;
  } while (token && items.length < limit);
  const nextPageToken = token;
  return {
    items,
    nextPageToken,
    emit(out, render, id) {
      if (out.json) {
        if (replies.length === 1) out.printJsonText(replies[0]!.text);
        else out.printJsonValue({ items, nextPageToken });
        return;
      }
      if (!out.quiet) out.print(render(items));
      else if (items.length > 0) out.print(items.map(id).join('\n'));
      if (nextPageToken) out.notice(`More are listed after these: --page-token ${nextPageToken}`);
    },
  };
}

/** --limit, --page-size and --page-token, as every listing takes them. */
export function withPagingOptions(command: Command, defaultLimit: number): Command {
  return command
    .addOption(
      new Option('-n, --limit <n>', 'list at most this many (pages are followed)')
        .argParser(parseLimit)
        .default(defaultLimit),
    )
    .addOption(new Option('--page-size <n>', `items per API call (at most ${MAX_PAGE_SIZE})`).argParser(parsePageSize))
    .option('--page-token <token>', 'continue from the nextPageToken of an earlier listing');
}
