/**
 * Stable error codes shared by connectors, activities and workflows. This file is pure data so
 * that workflow code may import it (it runs inside the Temporal sandbox).
 */
export const ConnectorErrorCode = {
  Network: 'NETWORK',
  Timeout: 'TIMEOUT',
  RateLimited: 'RATE_LIMITED',
  VendorUnavailable: 'VENDOR_UNAVAILABLE',
  InvalidRequest: 'INVALID_REQUEST',
  Unauthorized: 'UNAUTHORIZED',
  Forbidden: 'FORBIDDEN',
  NotFound: 'NOT_FOUND',
  Conflict: 'CONFLICT',
  OutOfStock: 'OUT_OF_STOCK',
  PaymentDeclined: 'PAYMENT_DECLINED',
  Unsupported: 'UNSUPPORTED',
  Misconfigured: 'CONNECTOR_MISCONFIGURED',
  /** The egress guard refused the destination (loopback, private, metadata …): only the operator's allow-list changes that. */
  DestinationRefused: 'DESTINATION_REFUSED',
} as const;

export type ConnectorErrorCode = (typeof ConnectorErrorCode)[keyof typeof ConnectorErrorCode];

/** Codes that no retry can fix; activities fail non-retryably on them. */
export const NON_RETRYABLE_CODES: readonly ConnectorErrorCode[] = [
  ConnectorErrorCode.InvalidRequest,
  ConnectorErrorCode.Unauthorized,
  ConnectorErrorCode.Forbidden,
  ConnectorErrorCode.NotFound,
  ConnectorErrorCode.Conflict,
  ConnectorErrorCode.OutOfStock,
  ConnectorErrorCode.PaymentDeclined,
  ConnectorErrorCode.Unsupported,
  ConnectorErrorCode.Misconfigured,
  ConnectorErrorCode.DestinationRefused,
];

/** Business refusals: the process must stop and compensate, not page an operator. */
export const BUSINESS_FAILURE_CODES: readonly ConnectorErrorCode[] = [
  ConnectorErrorCode.OutOfStock,
  ConnectorErrorCode.PaymentDeclined,
];
