/** Signs test webhooks the way each sender does (independently of server/intake's verifiers). */
import { createHmac } from 'node:crypto';

/** Shopify: base64 HMAC-SHA256 of the raw body (X-Shopify-Hmac-Sha256). */
export function hmacBase64(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('base64');
}

/** GitHub: `sha256=` + hex HMAC-SHA256 of the raw body (X-Hub-Signature-256). */
export function hmacHexWithPrefix(body: string, secret: string, prefix = 'sha256='): string {
  return prefix + createHmac('sha256', secret).update(body, 'utf8').digest('hex');
}

/** Stripe: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, one v1 per secret. */
export function stripeSignatureHeader(body: string, secrets: readonly string[], at: Date = new Date()): string {
  const t = Math.floor(at.getTime() / 1000);
  const signatures = secrets.map(
    (secret) => `v1=${createHmac('sha256', secret).update(`${t}.${body}`, 'utf8').digest('hex')}`,
  );
  return [`t=${t}`, ...signatures].join(',');
}
