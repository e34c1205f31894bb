import { ConnectorError } from '../../connector-error';
import { ConnectorErrorCode } from '../../connector-error-codes';
import type { ErpOperation } from '../../spi';

/** A vendor payload our mappers cannot read; the connector turns it into a ConnectorError. */
export class SapPayloadError extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = 'SapPayloadError';
  }
}

/**
 * A response that does not match the spec (schema drift, a proxy's HTML page). Not retryable:
 * the same system answers the same way, and a write it followed has happened (the next
 * attempt's lookup finds it).
 */
export function unexpectedResponse(instance: string, detail: string): ConnectorError {
  return new ConnectorError(`${instance}: unexpected response from SAP`, {
    code: ConnectorErrorCode.VendorUnavailable,
    retryable: false,
    vendorMessage: detail,
  });
}

export function unsupported(instance: string, operation: ErpOperation): ConnectorError {
  return new ConnectorError(`${instance}: ${operation} is not supported by the SAP S/4HANA connector`, {
    code: ConnectorErrorCode.Unsupported,
    retryable: false,
    vendorMessage: `${operation} needs an SAP API this connector does not use (billing documents, purchase orders)`,
  });
}

export function invalidInput(instance: string, detail: string): ConnectorError {
  return new ConnectorError(`${instance}: invalid request`, {
    code: ConnectorErrorCode.InvalidRequest,
    retryable: false,
    vendorMessage: detail,
  });
}
