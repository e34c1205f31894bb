/**
 * Stripe's failures in Junction's terms. The shared HTTP client already classifies by status
 * (400 INVALID_REQUEST, 401 UNAUTHORIZED, 404 NOT_FOUND, 409 CONFLICT, 429 RATE_LIMITED with
 * Retry-After, 5xx retryable) and keeps Stripe's `error.message` as vendorMessage; this adds what
 * Stripe's status codes mean beyond that.
 */
import { ConnectorError } from '../../connector-error';
import { ConnectorErrorCode } from '../../errors';
import type { StripePaymentIntent } from './stripe.schemas';

/**
 * 402 is Stripe's "parameters were valid but the request failed": a card_error (card_declined,
 * insufficient_funds, authentication_required with error_on_requires_action …). Not retryable:
 * Stripe stores the answer under the idempotency key, so a retry replays the same decline.
 * 424 is a failure of a dependency outside Stripe (a card network): worth retrying.
 */
export function refineStripeError(error: unknown, connector: string): unknown {
  if (!(error instanceof ConnectorError)) return error;
  const vendorMessage = error.vendorMessage !== undefined ? { vendorMessage: error.vendorMessage } : {};
  if (error.status === 402) {
    return new ConnectorError(`${connector}: payment declined (${error.message.replace(`${connector}: `, '')})`, { code: ConnectorErrorCode.PaymentDeclined, retryable: false, status: 402, ...vendorMessage });
  }
  if (error.status === 424) {
    return new ConnectorError(error.message, { code: ConnectorErrorCode.VendorUnavailable, retryable: true, status: 424, ...vendorMessage });
  }
  return error;
}

/** A response body that does not match the pinned API version's schema: a contract break, not a blip. */
export function unexpectedResponse(connector: string, what: string, problem: string): ConnectorError {
  return new ConnectorError(`${connector}: unexpected response to ${what} (${problem})`, { code: ConnectorErrorCode.VendorUnavailable, retryable: false });
}

/** A payment intent that confirm left short of an authorization (it needs the customer, or a new card). */
export function notAuthorized(connector: string, intent: StripePaymentIntent): ConnectorError {
  const vendorMessage = intent.last_payment_error?.message ?? `PaymentIntent is ${intent.status}`;
  if (intent.status === 'requires_action' || intent.status === 'requires_payment_method') {
    return new ConnectorError(`${connector}: payment ${intent.id} was not authorized (${intent.status})`, { code: ConnectorErrorCode.PaymentDeclined, retryable: false, vendorMessage });
  }
  return new ConnectorError(`${connector}: payment ${intent.id} is ${intent.status}`, { code: ConnectorErrorCode.Conflict, retryable: false, vendorMessage });
}

export function conflict(connector: string, vendorMessage: string): ConnectorError {
  return new ConnectorError(`${connector}: ${vendorMessage}`, { code: ConnectorErrorCode.Conflict, retryable: false, vendorMessage });
}

export function invalidInput(connector: string, vendorMessage: string): ConnectorError {
  return new ConnectorError(`${connector}: invalid input`, { code: ConnectorErrorCode.InvalidRequest, retryable: false, vendorMessage });
}
