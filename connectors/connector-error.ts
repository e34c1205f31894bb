import { type ConnectorErrorCode, NON_RETRYABLE_CODES } from './connector-error-codes';

export interface ConnectorErrorDetails {
  code: ConnectorErrorCode;
  retryable: boolean;
  status?: number;
  vendorMessage?: string;
  retryAfterMs?: number;
}

/** The one error type connectors throw. Activities translate it into Temporal failures. */
export class ConnectorError extends Error implements ConnectorErrorDetails {
  readonly code: ConnectorErrorCode;
  readonly retryable: boolean;
  readonly status?: number;
  readonly vendorMessage?: string;
  readonly retryAfterMs?: number;

  constructor(
    message: string,
    details: {
      code: ConnectorErrorCode;
      retryable?: boolean;
      status?: number;
      vendorMessage?: string;
      retryAfterMs?: number;
    },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ConnectorError';
    this.code = details.code;
    this.retryable = details.retryable ?? !NON_RETRYABLE_CODES.includes(details.code);
    if (details.status !== undefined) this.status = details.status;
    if (details.vendorMessage !== undefined) this.vendorMessage = details.vendorMessage;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
  }

  /** The serialisable part, safe for workflow histories (no stack, no request data). */
  toDetails(): ConnectorErrorDetails {
    const details: ConnectorErrorDetails = { code: this.code, retryable: this.retryable };
    if (this.status !== undefined) details.status = this.status;
    if (this.vendorMessage !== undefined) details.vendorMessage = this.vendorMessage;
    if (this.retryAfterMs !== undefined) details.retryAfterMs = this.retryAfterMs;
    return details;
  }
}

export function isConnectorError(error: unknown): error is ConnectorError {
  return error instanceof ConnectorError;
}

/** A caller's input the vendor (or our own validation in its place) refuses: never retried. */
export function invalidRequest(instance: string, vendorMessage: string): ConnectorError {
  return new ConnectorError(`${instance}: invalid request`, { code: 'INVALID_REQUEST', status: 400, vendorMessage });
}
