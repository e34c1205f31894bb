import { isAxiosError } from 'axios';
import { ConnectorError } from '../connector-error';
import { destinationRefused, findDestinationRefusal } from '../egress/destination-refused';
import { ConnectorErrorCode } from '../connector-error-codes';
import { retryAfterFromHeaders } from './retry-after';
import { extractVendorMessage } from './vendor-message';

const TIMEOUT_CODES = new Set([
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
]);
/** Mistakes in how the request was built: a retry sends the same mistake again. */
const REQUEST_BUILD_CODES = new Set([
  'ERR_BAD_OPTION',
  'ERR_BAD_OPTION_VALUE',
  'ERR_INVALID_URL',
  'ERR_NOT_SUPPORT',
  'ERR_BAD_REQUEST',
  'ERR_FORM_DATA_DEPTH_EXCEEDED',
  'ERR_FR_TOO_MANY_REDIRECTS',
]);

interface StatusClass {
  code: ConnectorErrorCode;
  retryable: boolean;
}

/** Status → error class, as data. Statuses not listed fall back by range in classOfStatus. */
const STATUS_CLASSES: Readonly<Record<number, StatusClass>> = {
  400: { code: ConnectorErrorCode.InvalidRequest, retryable: false },
  401: { code: ConnectorErrorCode.Unauthorized, retryable: false },
  403: { code: ConnectorErrorCode.Forbidden, retryable: false },
  404: { code: ConnectorErrorCode.NotFound, retryable: false },
  408: { code: ConnectorErrorCode.Timeout, retryable: true },
  409: { code: ConnectorErrorCode.Conflict, retryable: false },
  422: { code: ConnectorErrorCode.InvalidRequest, retryable: false },
  429: { code: ConnectorErrorCode.RateLimited, retryable: true },
};

function classOfStatus(status: number): StatusClass {
  const known = STATUS_CLASSES[status];
  if (known) return known;
  if (status >= 500) return { code: ConnectorErrorCode.VendorUnavailable, retryable: true };
  // Other 4xx, and anything outside the error ranges that reached us (3xx after too many redirects).
  return { code: ConnectorErrorCode.InvalidRequest, retryable: false };
}

/** Error codes from the error or, for Node's happy-eyeballs AggregateError, from its parts. */
function systemCodes(error: unknown): string[] {
  const codes: string[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (depth > 3 || value === null || typeof value !== 'object') return;
    const code = (value as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    const parts = (value as { errors?: unknown }).errors;
    if (Array.isArray(parts)) for (const part of parts) visit(part, depth + 1);
    visit((value as { cause?: unknown }).cause, depth + 1);
  };
  visit(error, 0);
  return codes;
}

function describeRequest(error: unknown, redactPath: (path: string) => string): string {
  if (!isAxiosError(error) || !error.config) return 'request';
  const method = (error.config.method ?? 'get').toUpperCase();
  return `${method} ${redactPath(requestPath(error.config.url, error.config.baseURL))}`;
}

/** The path of a request, without query string, host or credentials: safe for messages and logs. */
export function requestPath(url: string | undefined, baseURL: string | undefined): string {
  try {
    return new URL(url ?? '', baseURL ?? 'http://unknown').pathname;
  } catch {
    return (url ?? '').split('?')[0] ?? '';
  }
}

/**
 * Turns any failure of an HTTP call into the ConnectorError the activities understand
 * (docs/connectors.md): network, timeout, 408, 429 and 5xx retry; validation and auth do not.
 * The axios error is deliberately not attached as `cause`: it carries the request config,
 * headers and credentials included, and causes end up in logs and workflow histories.
 */
/**
 * `redactPath` removes personal data a vendor puts in paths (Salesforce external-ID values are
 * emails) before the path reaches the error message.
 */
export function classifyHttpError(
  error: unknown,
  connector: string,
  now: Date | number = Date.now(),
  redactPath: (path: string) => string = (path) => path,
): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const what = describeRequest(error, redactPath);

  if (isAxiosError(error) && error.response) {
    const { status, headers, data } = error.response;
    const { code, retryable } = classOfStatus(status);
    const vendorMessage = extractVendorMessage(data);
    const retryAfterMs = retryable ? retryAfterFromHeaders(headers, now) : undefined;
    return new ConnectorError(`${connector}: HTTP ${status} from ${what}`, {
      code,
      retryable,
      status,
      ...(vendorMessage !== undefined ? { vendorMessage } : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }

  // Refused before connecting: only the operator's allow-list changes that, so no retry.
  const refusal = findDestinationRefusal(error);
  if (refusal) return destinationRefused(connector, refusal);

  const codes = systemCodes(error);
  if (codes.includes('ERR_CANCELED')) {
    return new ConnectorError(`${connector}: ${what} was cancelled`, {
      code: ConnectorErrorCode.Network,
      retryable: true,
    });
  }
  if (codes.some((c) => TIMEOUT_CODES.has(c))) {
    return new ConnectorError(`${connector}: ${what} timed out`, { code: ConnectorErrorCode.Timeout, retryable: true });
  }
  if (codes.some((c) => REQUEST_BUILD_CODES.has(c))) {
    return new ConnectorError(`${connector}: ${what} could not be sent (${codes[0] ?? 'invalid request'})`, {
      code: ConnectorErrorCode.InvalidRequest,
      retryable: false,
    });
  }
  // axios's maxContentLength: the same answer would come again, so a retry cannot help.
  if (
    codes.includes('ERR_BAD_RESPONSE') &&
    isAxiosError(error) &&
    /^maxContentLength size of \d+ exceeded$/.test(error.message)
  ) {
    return new ConnectorError(`${connector}: the response to ${what} exceeds the size limit`, {
      code: ConnectorErrorCode.VendorUnavailable,
      retryable: false,
    });
  }
  if (codes.includes('ERR_BAD_RESPONSE')) {
    return new ConnectorError(`${connector}: unreadable response to ${what}`, {
      code: ConnectorErrorCode.VendorUnavailable,
      retryable: true,
    });
  }
  // ECONNREFUSED, ECONNRESET, ENOTFOUND, EAI_AGAIN, EHOSTUNREACH, EPIPE, ERR_NETWORK, or an
  // error without a code: the request may not have reached the vendor, so a retry is safe to try.
  const detail = codes.find((c) => /^E[A-Z_]+$/.test(c)) ?? 'network error';
  return new ConnectorError(`${connector}: ${what} failed (${detail})`, {
    code: ConnectorErrorCode.Network,
    retryable: true,
  });
}
