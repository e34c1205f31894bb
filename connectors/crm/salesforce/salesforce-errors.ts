/**
 * Salesforce failures as ConnectorErrors. The HTTP status is classified by the shared
 * classifyHttpError (one table for every vendor); Salesforce's `[{ message, errorCode, fields }]`
 * body then refines it: the errorCode may change the class (403 REQUEST_LIMIT_EXCEEDED is a
 * retryable RATE_LIMITED, not FORBIDDEN) and `errorCode: message` becomes the vendorMessage.
 */
import { AxiosError, AxiosHeaders, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { ConnectorError } from '../../connector-error';
import { ConnectorErrorCode } from '../../connector-error-codes';
import { classifyHttpError, type VendorErrorResponse } from '../../http';
import { headerValue } from '../../http/retry-after';
import { SALESFORCE_ERROR_CODES, salesforceManifest } from './salesforce.manifest';
import { salesforceErrorBody, type CompositeResponse, type SalesforceErrorItem } from './salesforce.schemas';

/** A ConnectorError that remembers Salesforce's errorCode, for the connector's own decisions. */
export class SalesforceApiError extends ConnectorError {
  constructor(
    message: string,
    details: ConstructorParameters<typeof ConnectorError>[1],
    readonly errorCode: string | undefined,
    readonly fields: readonly string[] = [],
  ) {
    super(message, details);
    this.name = 'SalesforceApiError';
  }
}

export function isSalesforceError(error: unknown, errorCode: string): error is SalesforceApiError {
  return error instanceof SalesforceApiError && error.errorCode === errorCode;
}

function firstError(body: unknown): SalesforceErrorItem | undefined {
  const parsed = salesforceErrorBody.safeParse(body);
  return parsed.success ? parsed.data[0] : undefined;
}

/** A request path without External ID values (emails are personal data): safe for messages and logs. */
export function redactPath(path: string): string {
  return path.replace(salesforceManifest.externalIdValue, '$1:value');
}

/**
 * The error for a failed response (status >= 300: a 300 is an external id matching several
 * records), refining `base`, the shared client's classification of its status.
 */
export function salesforceError(response: VendorErrorResponse, base: ConnectorError): SalesforceApiError {
  if (response.status === 300) {
    return new SalesforceApiError(
      base.message,
      {
        code: ConnectorErrorCode.Conflict,
        retryable: false,
        status: 300,
        vendorMessage: 'the external ID matches more than one record',
      },
      undefined,
    );
  }
  const item = firstError(response.data);
  const mapped = item === undefined ? undefined : SALESFORCE_ERROR_CODES[item.errorCode];
  const code = mapped?.code ?? base.code;
  const retryable = mapped?.retryable ?? base.retryable;
  const rateLimited = code === ConnectorErrorCode.RateLimited;
  const retryAfterMs = rateLimited
    ? (base.retryAfterMs ?? salesforceManifest.rateLimit.fallbackRetryAfterMs)
    : retryable
      ? base.retryAfterMs
      : undefined;
  // The org's API usage says why a rate limit hit: `api-usage=15001/15000`. Numbers only, never secret.
  const usage = rateLimited ? headerValue(response.headers, salesforceManifest.rateLimit.usageHeader) : undefined;
  const vendorMessage =
    item === undefined
      ? base.vendorMessage
      : `${item.errorCode}: ${item.message}${usage !== undefined ? ` (${usage})` : ''}`;
  return new SalesforceApiError(
    base.message,
    {
      code,
      retryable,
      ...(base.status !== undefined ? { status: base.status } : {}),
      ...(vendorMessage !== undefined ? { vendorMessage } : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    },
    item?.errorCode,
    item?.fields ?? [],
  );
}

/**
 * The failure of an allOrNone composite call, or undefined when every subrequest succeeded. With
 * allOrNone, one subrequest fails for its reason and the others answer PROCESSING_HALTED: the
 * reason is the one reported.
 */
export function compositeError(
  connector: string,
  compositeUrl: string,
  response: CompositeResponse,
): SalesforceApiError | undefined {
  const failed = response.compositeResponse.filter((result) => result.httpStatusCode >= 300);
  if (failed.length === 0) return undefined;
  const cause =
    failed.find((result) => firstError(result.body)?.errorCode !== salesforceManifest.composite.haltedErrorCode) ??
    failed[0]!;
  const config = { method: 'post', url: compositeUrl, headers: new AxiosHeaders() } as InternalAxiosRequestConfig;
  const subrequest = { status: cause.httpStatusCode, headers: cause.httpHeaders ?? {}, data: cause.body };
  // The subrequest's status, classified as the shared client classifies any response.
  const axiosResponse = { ...subrequest, statusText: '', config } as AxiosResponse;
  const base = classifyHttpError(
    new AxiosError(`HTTP ${subrequest.status}`, undefined, config, undefined, axiosResponse),
    connector,
    Date.now(),
    redactPath,
  );
  return salesforceError(subrequest, base);
}

/** A response that does not match the reference (schema drift, a proxy's page). */
export function unexpectedResponse(connector: string, what: string, detail: string): ConnectorError {
  return new ConnectorError(`${connector}: unexpected Salesforce response to ${what}`, {
    code: ConnectorErrorCode.VendorUnavailable,
    retryable: false,
    vendorMessage: detail,
  });
}

export function invalidInput(connector: string, detail: string): ConnectorError {
  return new ConnectorError(`${connector}: invalid request`, {
    code: ConnectorErrorCode.InvalidRequest,
    retryable: false,
    status: 400,
    vendorMessage: detail,
  });
}
