import { ConnectorError } from '../../connector-error';
import { ConnectorErrorCode } from '../../connector-error-codes';
import type { ErpOperation } from '../../spi';
import type { VendorErrorResponse } from '../../http';
import { bcErrorSchema } from './bc.schemas';

/** A vendor payload our mappers cannot read; the connector turns it into a ConnectorError. */
export class BcPayloadError extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = 'BcPayloadError';
  }
}

/**
 * A response that does not match the spec (schema drift, a proxy's HTML page). Not retryable:
 * the same system answers the same way, and a write it followed has happened (the next
 * attempt's lookup finds it).
 */
export function unexpectedResponse(instance: string, detail: string): ConnectorError {
  return new ConnectorError(`${instance}: unexpected response from Business Central`, {
    code: ConnectorErrorCode.VendorUnavailable,
    retryable: false,
    vendorMessage: detail,
  });
}

export function unsupported(instance: string, operation: ErpOperation, why: string): ConnectorError {
  return new ConnectorError(`${instance}: ${operation} is not supported by the Business Central connector`, {
    code: ConnectorErrorCode.Unsupported,
    retryable: false,
    vendorMessage: why,
  });
}

export function invalidInput(instance: string, detail: string): ConnectorError {
  return new ConnectorError(`${instance}: invalid request`, {
    code: ConnectorErrorCode.InvalidRequest,
    retryable: false,
    vendorMessage: detail,
  });
}

export function notFound(instance: string, detail: string): ConnectorError {
  return new ConnectorError(`${instance}: not found`, {
    code: ConnectorErrorCode.NotFound,
    retryable: false,
    vendorMessage: detail,
  });
}

export function conflict(instance: string, detail: string): ConnectorError {
  return new ConnectorError(`${instance}: conflict`, {
    code: ConnectorErrorCode.Conflict,
    retryable: false,
    vendorMessage: detail,
  });
}

export function hasStatus(error: unknown, status: number): boolean {
  return error instanceof ConnectorError && error.status === status;
}

/**
 * The shared HTTP client's error hook: BC's `{ error: { code, message } }` names the failure
 * (e.g. `Internal_RecordNotFound`, `Application_DialogException`); the code goes into vendorMessage
 * so an operator reading the run's failure knows which BC rule refused it.
 */
export function describeBcError(response: VendorErrorResponse, classified: ConnectorError): ConnectorError {
  const body = bcErrorSchema.safeParse(response.data);
  if (!body.success) return classified;
  return new ConnectorError(classified.message, {
    ...classified.toDetails(),
    vendorMessage: `${body.data.error.code}: ${body.data.error.message}`,
  });
}
