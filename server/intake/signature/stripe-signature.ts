import { createHmac } from 'node:crypto';
import { sameBytes } from './constant-time';
import type { SignatureVerifier } from './signature-verifier';

export interface StripeSignatureOptions {
  /** Stripe-Signature unless the source says otherwise. */
  header: string;
  /** Any of them may have signed (Stripe sends one v1 per active secret while one is rolled). */
  secrets: readonly string[];
  /** How far the signed timestamp may be from now (Stripe's libraries default to 300 s). */
  toleranceSeconds: number;
}

interface ParsedHeader {
  timestamp: number;
  v1: Buffer[];
}

/** `t=1492774577,v1=5257a8…,v1=…,v0=…`: the timestamp and every v1 signature (others are ignored, as Stripe's libraries do). */
function parseHeader(value: string): ParsedHeader | null {
  let timestamp: number | null = null;
  const v1: Buffer[] = [];
  for (const item of value.split(',')) {
    const [key, ...rest] = item.trim().split('=');
    const text = rest.join('=');
    if (key === 't' && /^\d{1,12}$/.test(text)) timestamp = Number(text);
    if (key === 'v1' && /^[0-9a-fA-F]{64}$/.test(text)) v1.push(Buffer.from(text, 'hex'));
  }
  return timestamp === null ? null : { timestamp, v1 };
}

/**
 * Stripe's scheme: `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`,
 * several v1 allowed. A timestamp outside the tolerance is refused even with a valid signature,
 * so a captured request cannot be replayed later.
 */
export function stripeSignatureVerifier(options: StripeSignatureOptions): SignatureVerifier {
  return {
    verify({ header, rawBody, now }) {
      const value = header(options.header);
      if (value === undefined || value.trim() === '') return `The ${options.header} header is missing.`;
      const parsed = parseHeader(value);
      if (!parsed) return `The ${options.header} header has no timestamp (t=).`;
      if (parsed.v1.length === 0) return `The ${options.header} header has no v1 signature.`;
      const ageSeconds = Math.abs(now.getTime() / 1000 - parsed.timestamp);
      if (ageSeconds > options.toleranceSeconds)
        return `The ${options.header} timestamp is more than ${options.toleranceSeconds} s from now.`;
      const signedPayload = Buffer.concat([Buffer.from(`${parsed.timestamp}.`, 'utf8'), rawBody]);
      const expected = options.secrets.map((secret) => createHmac('sha256', secret).update(signedPayload).digest());
      const matches = parsed.v1.some((presented) => expected.some((digest) => sameBytes(digest, presented)));
      return matches ? null : `No v1 signature in ${options.header} matches the body.`;
    },
  };
}
