import type { z } from 'zod';
import { invalidRequest } from './connector-error';

/**
 * Page tokens handed to callers: base64url JSON, opaque as vendors' own tokens are. A token comes
 * back as client input, so decoding validates it against the schema it was issued with and a
 * token this connector could not have issued is a non-retryable INVALID_REQUEST.
 */
export function encodePageCursor<T>(payload: T): string {
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

export function decodePageCursor<S extends z.ZodType>(schema: S, token: string, instance: string): z.output<S> {
  try {
    return schema.parse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
  } catch {
    throw invalidRequest(instance, 'cursor is not one this connector issued');
  }
}

/** As decodePageCursor, for the SPI's `cursor: string | null` where null (or '') means "from the start". */
export function decodeOptionalPageCursor<S extends z.ZodType>(
  schema: S,
  token: string | null,
  instance: string,
): z.output<S> | null {
  return token === null || token === '' ? null : decodePageCursor(schema, token, instance);
}
