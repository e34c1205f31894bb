import { createHash, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * Keys read `jk_<prefix>_<secret>`. The prefix is public (it finds the row and shows in logs and
 * audit entries); the secret is 32 base62 characters (~190 bits), so a single SHA-256 is enough
 * to store it: nothing can be brute-forced from the hash, and verification stays cheap enough to
 * run on every request. The stored form names its algorithm so it can change later.
 */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const PREFIX_LENGTH = 12;
export const SECRET_LENGTH = 32;
const KEY_PATTERN = new RegExp(`^jk_([0-9A-Za-z]{${PREFIX_LENGTH}})_([0-9A-Za-z]{${SECRET_LENGTH}})$`);
const HASH_SCHEME = 'sha256';

export interface ParsedKey {
  prefix: string;
  secret: string;
}

function randomBase62(length: number): string {
  let out = '';
  // randomInt draws without modulo bias, unlike mapping random bytes onto 62 characters.
  for (let i = 0; i < length; i += 1) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

export function generateKey(): ParsedKey & { key: string } {
  const prefix = randomBase62(PREFIX_LENGTH);
  const secret = randomBase62(SECRET_LENGTH);
  return { prefix, secret, key: `jk_${prefix}_${secret}` };
}

/** null when the string cannot be a Junction key (checked before any database lookup). */
export function parseKey(raw: string): ParsedKey | null {
  const match = KEY_PATTERN.exec(raw);
  return match ? { prefix: match[1]!, secret: match[2]! } : null;
}

export function hashSecret(secret: string): string {
  return `${HASH_SCHEME}$${createHash('sha256').update(secret, 'utf8').digest('hex')}`;
}

/** Constant-time comparison of a presented secret with the stored hash. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const [scheme, hex] = storedHash.split('$');
  if (scheme !== HASH_SCHEME || !hex) return false;
  const expected = Buffer.from(hex, 'hex');
  const actual = createHash('sha256').update(secret, 'utf8').digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
