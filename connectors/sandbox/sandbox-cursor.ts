import { z } from 'zod';
import { decodeOptionalPageCursor, encodePageCursor } from '../page-cursor';

/** A position in a listing ordered by (timestamp, id): the last row of the previous page. */
export interface SandboxCursor {
  at: Date;
  id: string;
}

const cursorPayload = z.object({ t: z.iso.datetime(), id: z.string().min(1) });

/** Opaque to callers (base64 of JSON), as vendors' page tokens are. */
export function encodeCursor(cursor: SandboxCursor): string {
  return encodePageCursor({ t: cursor.at.toISOString(), id: cursor.id });
}

export function decodeCursor(token: string | null, instance: string): SandboxCursor | null {
  const payload = decodeOptionalPageCursor(cursorPayload, token, instance);
  return payload && { at: new Date(payload.t), id: payload.id };
}
