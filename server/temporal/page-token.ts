import { createHash } from 'node:crypto';

/**
 * Page tokens handed to callers wrap Temporal's own token with a version byte and a tag bound to
 * the list query. A truncated or mangled token, or one reused with other filters, is refused
 * up front: Temporal would answer it with UNKNOWN, which the SDK retries until the deadline.
 * The tag is a checksum, not a signature: a deliberately forged token only costs its sender.
 */
const VERSION = 1;
const TAG_BYTES = 8;

function tagOf(query: string, token: Uint8Array): Buffer {
  return createHash('sha256').update(query).update('\0').update(token).digest().subarray(0, TAG_BYTES);
}

export function encodePageToken(query: string, token: Uint8Array): string {
  return Buffer.concat([Buffer.from([VERSION]), tagOf(query, token), token]).toString('base64url');
}

/** Temporal's token, or null when the token is malformed or belongs to another query. */
export function decodePageToken(query: string, encoded: string): Uint8Array | null {
  const bytes = Buffer.from(encoded, 'base64url');
  if (bytes.length <= 1 + TAG_BYTES || bytes[0] !== VERSION) return null;
  const token = bytes.subarray(1 + TAG_BYTES);
  return tagOf(query, token).equals(bytes.subarray(1, 1 + TAG_BYTES)) ? token : null;
}
