import { sameSecret } from './constant-time';
import type { SignatureVerifier } from './signature-verifier';

export interface SharedSecretOptions {
  /** The header the sender puts the secret in, e.g. X-Webhook-Token. */
  header: string;
  /** An optional scheme word before the secret, e.g. `Bearer ` for an Authorization header. */
  prefix: string;
  secrets: readonly string[];
}

/**
 * The sender presents a shared secret in a header: no body integrity, so only for senders that
 * can do nothing better, over TLS. Compared in constant time against every configured secret.
 */
export function sharedSecretVerifier(options: SharedSecretOptions): SignatureVerifier {
  return {
    verify({ header }) {
      const value = header(options.header);
      if (value === undefined || value === '') return `The ${options.header} header is missing.`;
      if (!value.startsWith(options.prefix)) return `The ${options.header} header must start with "${options.prefix}".`;
      const presented = value.slice(options.prefix.length);
      // Every secret is compared, so the time taken does not tell which one (if any) matched.
      const matches = options.secrets.map((secret) => sameSecret(presented, secret)).includes(true);
      return matches ? null : `The ${options.header} secret is not the configured one.`;
    },
  };
}
