import { createHash, timingSafeEqual } from 'node:crypto';

/** Equal byte strings, compared in constant time; a length difference answers false at once (lengths are not secret here). */
export function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Equal secrets, compared through their SHA-256 digests so that neither the content nor the
 * length of the expected value leaks through timing.
 */
export function sameSecret(presented: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
