import { createHmac } from 'node:crypto';
import { sameBytes } from './constant-time';
import type { SignatureVerifier } from './signature-verifier';

export interface HmacSignatureOptions {
  /** The header carrying the signature, e.g. X-Shopify-Hmac-Sha256 or X-Hub-Signature-256. */
  header: string;
  /** How the digest is written in the header: base64 (Shopify) or hex (GitHub). */
  encoding: 'base64' | 'hex';
  /** Text before the digest, e.g. `sha256=` (GitHub); none by default. */
  prefix: string;
  /** Any of them may have signed (several while a secret is rotated). */
  secrets: readonly string[];
}

const DIGEST_BYTES = 32;

function decode(text: string, encoding: 'base64' | 'hex'): Buffer | null {
  const trimmed = text.trim();
  const pattern = encoding === 'hex' ? /^[0-9a-fA-F]+$/ : /^[A-Za-z0-9+/]+={0,2}$/;
  if (!pattern.test(trimmed)) return null;
  const bytes = Buffer.from(trimmed, encoding);
  return bytes.length === DIGEST_BYTES ? bytes : null;
}

/**
 * HMAC-SHA256 of the raw body in one header, as Shopify (`X-Shopify-Hmac-Sha256`, base64) and
 * GitHub (`X-Hub-Signature-256: sha256=<hex>`) send it. The header is decoded and the bytes are
 * compared, so the case of hex digits or base64 padding cannot matter.
 */
export function hmacSignatureVerifier(options: HmacSignatureOptions): SignatureVerifier {
  return {
    verify({ header, rawBody }) {
      const value = header(options.header);
      if (value === undefined || value.trim() === '') return `The ${options.header} header is missing.`;
      const trimmed = value.trim();
      if (!trimmed.startsWith(options.prefix))
        return `The ${options.header} header must start with "${options.prefix}".`;
      const presented = decode(trimmed.slice(options.prefix.length), options.encoding);
      if (!presented) return `The ${options.header} header is not a ${options.encoding} HMAC-SHA256 digest.`;
      const matches = options.secrets.some((secret) =>
        sameBytes(createHmac('sha256', secret).update(rawBody).digest(), presented),
      );
      return matches ? null : `The ${options.header} signature does not match the body.`;
    },
  };
}
