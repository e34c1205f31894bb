/**
 * The body of a generic HTTP response as a flow sees it: JSON when the content type says so, the
 * text otherwise, null when there is none. Parsing follows the content type only, never the look
 * of the text, so `"123"` sent as text/plain stays a string.
 */
import { ConnectorError } from '../connector-error';
import { ConnectorErrorCode } from '../connector-error-codes';

/** `application/json`, `application/problem+json`, `application/vnd.api+json; charset=utf-8`. */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;

export function isJsonContentType(contentType: string | undefined): boolean {
  const mediaType = (contentType ?? '').split(';', 1)[0]?.trim() ?? '';
  return JSON_MEDIA_TYPE.test(mediaType);
}

export function responseBody(connector: string, contentType: string | undefined, text: unknown): unknown {
  const body = typeof text === 'string' ? text : text === undefined || text === null ? '' : String(text);
  if (body === '') return null;
  if (!isJsonContentType(contentType)) return body;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    // The same answer would come again: a retry does not help, and the body is not echoed (it may be anything).
    throw new ConnectorError(`${connector}: the response says it is JSON but does not parse`, {
      code: ConnectorErrorCode.VendorUnavailable,
      retryable: false,
    });
  }
}

/** Response headers for the flow: single strings, without the cookies a server sets (session secrets). */
export function responseHeaders(headers: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined && name !== 'set-cookie') out[name] = value;
  return out;
}
