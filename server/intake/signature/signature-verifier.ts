/**
 * How a webhook source proves an event is its own. Each scheme checks the raw body exactly as it
 * arrived (before any JSON parsing) and compares in constant time (node:crypto timingSafeEqual).
 */

export interface SignedRequest {
  /** A request header by case-insensitive name; undefined when absent. */
  header(name: string): string | undefined;
  rawBody: Buffer;
  now: Date;
}

export interface SignatureVerifier {
  /** null when the request is authentic; otherwise why not, for the 401 detail (never a secret or a digest). */
  verify(request: SignedRequest): string | null;
}
