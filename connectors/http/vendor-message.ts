import { plainText } from './plain-text';

/** Vendor error bodies can be whole HTML pages; a message past this length stops helping. */
export const MAX_VENDOR_MESSAGE_LENGTH = 500;

/** Plain, bounded text (plain-text.ts: markup, control characters and URL secrets removed; linear in the body). */
function shorten(text: string): string | undefined {
  return plainText(text, MAX_VENDOR_MESSAGE_LENGTH);
}

function stringField(source: Record<string, unknown>, key: string): string | undefined {
  const value = source[key];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The human-readable part of the usual JSON error shapes (Stripe, OAuth, RFC 9457, HubSpot, SAP). */
function messageFromObject(body: Record<string, unknown>): string | undefined {
  const nested = isRecord(body.error) ? body.error : undefined;
  const oauthCode = stringField(body, 'error');
  const oauthDescription = stringField(body, 'error_description');
  const firstError = Array.isArray(body.errors) && isRecord(body.errors[0]) ? body.errors[0] : undefined;
  const nestedMessage = nested?.message;
  return (
    stringField(body, 'message') ??
    (typeof nestedMessage === 'string'
      ? nestedMessage
      : isRecord(nestedMessage)
        ? stringField(nestedMessage, 'value')
        : undefined) ??
    (oauthDescription !== undefined
      ? oauthCode !== undefined
        ? `${oauthCode}: ${oauthDescription}`
        : oauthDescription
      : undefined) ??
    oauthCode ??
    stringField(body, 'detail') ??
    stringField(body, 'title') ??
    (firstError !== undefined ? stringField(firstError, 'message') : undefined)
  );
}

/**
 * A short message from a vendor's error response body, for operators. Only the body is read:
 * request headers and credentials never reach a ConnectorError.
 */
export function extractVendorMessage(body: unknown): string | undefined {
  if (body === null || body === undefined) return undefined;
  if (Buffer.isBuffer(body)) return extractVendorMessage(body.toString('utf8'));
  if (body instanceof ArrayBuffer) return extractVendorMessage(Buffer.from(body).toString('utf8'));
  if (typeof body === 'string') {
    // Only a body that looks like JSON is read whole (JSON.parse is linear); any other is cut first.
    if (body.trimStart().startsWith('{')) {
      try {
        const parsed: unknown = JSON.parse(body);
        if (isRecord(parsed)) {
          const fromJson = messageFromObject(parsed);
          if (fromJson !== undefined) return shorten(fromJson);
        }
      } catch {
        // Not JSON after all: fall through to the raw text.
      }
    }
    // An HTML error page reads as its text; shorten() looks at its first few kB only.
    return shorten(body);
  }
  if (isRecord(body)) {
    const message = messageFromObject(body);
    return message === undefined ? undefined : shorten(message);
  }
  return undefined;
}
