/**
 * listInvoices cursors: BC's next link (as a path below the API root), wrapped so that callers
 * treat it as opaque. A cursor carries its own filter: the window passed with it is not read.
 */
import { z } from 'zod';
import { decodePageCursor, encodePageCursor } from '../../page-cursor';

const cursorBody = z.object({ next: z.string().min(1) });

export function encodeCursor(next: string): string {
  return encodePageCursor({ next });
}

export function decodeCursor(cursor: string, instance: string): string {
  return decodePageCursor(cursorBody, cursor, instance).next;
}
