import { z } from 'zod';
import { invalidRequest } from './sandbox-errors';

/** A position in a listing ordered by (timestamp, id): the last row of the previous page. */
export interface SandboxCursor {
  at: Date;
  id: string;
}

const cursorPayload = z.object({ t: z.iso.datetime(), id: z.string().min(1) });

/** Opaque to callers (base64 of JSON), as vendors' page tokens are. */
export function encodeCursor(cursor: SandboxCursor): string {
  return Buffer.from(JSON.stringify({ t: cursor.at.toISOString(), id: cursor.id })).toString('base64url');
}

export function decodeCursor(token: string | null, instance: string): SandboxCursor | null {
  if (token === null || token === '') return null;
  try {
    const payload = cursorPayload.parse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
    return { at: new Date(payload.t), id: payload.id };
  } catch {
    throw invalidRequest(instance, 'cursor is not one this connector issued');
  }
}
