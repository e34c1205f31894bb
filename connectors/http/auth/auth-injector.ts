/**
 * How a connector authenticates, applied by the shared HTTP client to every request. Static
 * schemes live in static-auth.ts; token flows (OAuth2) cache their token and renew it before it
 * expires, and once more when the vendor answers 401.
 */
export interface AuthInjector {
  /** Headers for the next request. Never logged. */
  headers(): Promise<Record<string, string>>;
  /**
   * Called once after a 401: forget the cached credential. True when a fresh one may succeed,
   * so the client retries the request once; static credentials return false.
   */
  invalidate?(): Promise<boolean> | boolean;
}
