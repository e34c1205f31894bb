/**
 * listInvoices cursors: BC's next link (as a path below the API root), wrapped so that callers
 * treat it as opaque. A cursor carries its own filter: the window passed with it is not read.
 */
import { z } from 'zod';
import { invalidInput } from './bc-errors';

const cursorBody = z.object({ next: z.string().min(1) });

export function encodeCursor(next: string): string {
  return Buffer.from(JSON.stringify({ next }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, instance: string): string {
  try {
    return cursorBody.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))).next;
  } catch {
    throw invalidInput(instance, 'cursor is not one this connector issued');
  }
}
