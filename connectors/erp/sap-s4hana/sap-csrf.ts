/**
 * SAP Gateway's CSRF protection: a write must carry the token that a GET with
 * `x-csrf-token: Fetch` handed out, together with the session cookies of that GET (the token is
 * bound to the session). One session per service; the token is fetched once and reused until
 * SAP rejects it (403, `x-csrf-token: Required`), then fetched once more.
 */
import { ConnectorError } from '../../connector-error';
import type { HttpResponse, VendorErrorResponse } from '../../http';
import { sapManifest } from './sap.manifest';

const { header, fetchValue } = sapManifest.csrf;

/**
 * `Set-Cookie` values as the shared client reports them (several joined by ", ") → name/value
 * pairs. A comma inside `Expires=Wed, 21 Oct …` is not followed by `name=`, so it does not split.
 */
export function parseSetCookie(headerValue: string | undefined): [string, string][] {
  if (!headerValue) return [];
  const pairs: [string, string][] = [];
  for (const cookie of headerValue.split(/,\s*(?=[^;,=\s]+=)/)) {
    const nameValue = cookie.split(';', 1)[0]?.trim() ?? '';
    const eq = nameValue.indexOf('=');
    if (eq > 0) pairs.push([nameValue.slice(0, eq), nameValue.slice(eq + 1)]);
  }
  return pairs;
}

/** SAP refused a write for want of a (valid) CSRF token: nothing was processed, so it may be resent. */
export class SapCsrfRequiredError extends ConnectorError {}

/**
 * The shared HTTP client's error hook: SAP marks a token rejection with the response header
 * `x-csrf-token: Required` (and the body "CSRF token validation failed"). A 403 for missing
 * authorisations carries neither and stays FORBIDDEN.
 */
export function describeSapError(response: VendorErrorResponse, classified: ConnectorError): ConnectorError {
  const marked = response.headers[header.toLowerCase()]?.toLowerCase() === sapManifest.csrf.requiredValue.toLowerCase();
  if (response.status !== 403 || !(marked || /csrf/i.test(classified.vendorMessage ?? ''))) return classified;
  return new SapCsrfRequiredError(classified.message, classified.toDetails());
}

export function isCsrfRejection(error: unknown): boolean {
  return error instanceof SapCsrfRequiredError;
}

export class SapCsrfSession {
  /** undefined: not fetched yet; null: the system sent none (protection off, or a mock). */
  private token: string | null | undefined;
  private cookies = new Map<string, string>();
  private inFlight: Promise<void> | undefined;
  /** How many tokens were fetched (observable in tests and logs). */
  fetches = 0;

  /** `fetchToken` sends the given headers with a cheap GET of the service. */
  constructor(private readonly fetchToken: (headers: Record<string, string>) => Promise<HttpResponse<unknown>>) {}

  /** Headers for a write: the token and the cookies of the session that issued it. */
  async headers(): Promise<Record<string, string>> {
    if (this.token === undefined) await this.refresh();
    const out: Record<string, string> = {};
    if (this.token) out[header] = this.token;
    if (this.cookies.size > 0) out.Cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    return out;
  }

  /** Forgets token and session, so the next write starts a new one. */
  invalidate(): void {
    this.token = undefined;
    this.cookies.clear();
  }

  /** Fetches a token; concurrent callers share one request. */
  async refresh(): Promise<void> {
    this.inFlight ??= this.fetchNow().finally(() => {
      this.inFlight = undefined;
    });
    await this.inFlight;
  }

  private async fetchNow(): Promise<void> {
    this.cookies.clear();
    const response = await this.fetchToken({ [header]: fetchValue });
    this.fetches += 1;
    for (const [name, value] of parseSetCookie(response.headers['set-cookie'])) this.cookies.set(name, value);
    const token = response.headers[header]?.trim();
    this.token = token && token.toLowerCase() !== sapManifest.csrf.requiredValue.toLowerCase() ? token : null;
  }
}
