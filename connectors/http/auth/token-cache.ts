/**
 * The access token of one connector instance, shared by all its requests: fetched on first use,
 * renewed shortly before it expires, forgotten after a 401. Single-flight: concurrent requests
 * that find no valid token wait for one fetch instead of each starting their own.
 */
import { ConnectorError } from '../../connector-error';
import type { AuthInjector } from './auth-injector';
import type { TokenGrant } from './token-endpoint';

/** Default lead time: a token is renewed this long before it expires. */
export const DEFAULT_RENEW_BEFORE_MS = 60_000;

export interface TokenCacheOptions {
  /**
   * Renew this long before expiry (default 60 000 ms). Tokens living less than twice this are
   * renewed at half their lifetime instead, so a short-lived token is not fetched on every call.
   */
  renewBeforeMs?: number;
  /** The clock; tests may replace it. Default Date.now. */
  now?: () => number;
}

interface CachedToken {
  accessToken: string;
  renewAt: number;
  expiresAt: number;
}

function toCached(grant: TokenGrant, requestedAt: number, renewBeforeMs: number): CachedToken {
  // Without expires_in (Salesforce) the token is kept until the vendor answers 401.
  if (grant.expiresInMs === undefined)
    return { accessToken: grant.accessToken, renewAt: Infinity, expiresAt: Infinity };
  // Counted from when the request left, not when the answer came: the vendor's clock started first.
  const expiresAt = requestedAt + grant.expiresInMs;
  const lead = Math.min(renewBeforeMs, grant.expiresInMs / 2);
  return { accessToken: grant.accessToken, renewAt: expiresAt - lead, expiresAt };
}

export class TokenCache {
  private cached: CachedToken | undefined;
  private pending: Promise<string> | undefined;
  private readonly renewBeforeMs: number;
  private readonly now: () => number;

  /** `fetch` asks the token endpoint for a new token; it must throw ConnectorErrors. */
  constructor(
    private readonly fetch: () => Promise<TokenGrant>,
    options: TokenCacheOptions = {},
  ) {
    this.renewBeforeMs = options.renewBeforeMs ?? DEFAULT_RENEW_BEFORE_MS;
    this.now = options.now ?? Date.now;
  }

  /** A token valid now, fetching or renewing it when needed. */
  async accessToken(): Promise<string> {
    const cached = this.cached;
    if (cached !== undefined && this.now() < cached.renewAt) return cached.accessToken;
    try {
      return await this.renew();
    } catch (error) {
      // An early renewal that failed transiently leaves the current token good until it expires.
      const stillValid = cached !== undefined && this.cached === cached && this.now() < cached.expiresAt;
      if (stillValid && error instanceof ConnectorError && error.retryable) return cached.accessToken;
      throw error;
    }
  }

  /**
   * Forgets the token after the vendor rejected it. While a fetch is in flight its token is
   * fresh, so the call is then a no-op: a burst of 401s costs one renewal, not one each.
   */
  invalidate(): void {
    if (this.pending === undefined) this.cached = undefined;
  }

  private renew(): Promise<string> {
    if (this.pending === undefined) {
      const requestedAt = this.now();
      this.pending = this.fetch()
        .then((grant) => {
          this.cached = toCached(grant, requestedAt, this.renewBeforeMs);
          return grant.accessToken;
        })
        .finally(() => {
          this.pending = undefined;
        });
    }
    return this.pending;
  }
}

/** An AuthInjector sending the cached token as `Authorization: Bearer` and renewing it after a 401. */
export function cachedBearerAuth(cache: TokenCache): AuthInjector {
  return {
    headers: async () => ({ Authorization: `Bearer ${await cache.accessToken()}` }),
    invalidate: () => {
      cache.invalidate();
      return true;
    },
  };
}
