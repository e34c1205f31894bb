/**
 * Stripe's failures in Junction's terms. The shared HTTP client already classifies by status
 * (400 INVALID_REQUEST, 401 UNAUTHORIZED, 404 NOT_FOUND, 409 CONFLICT, 429 RATE_LIMITED with
 * Retry-After, 5xx retryable) and keeps Stripe's `error.message` as vendorMessage; this adds what
 * Stripe's status codes mean beyond that.
 */
import { ConnectorError } from '../../connector-error';
import { ConnectorErrorCode } from '../../connector-error-codes';
import type { VendorErrorResponse } from '../../http';
import { stripeManifest } from './stripe.manifest';
import { stripeErrorBodySchema, type StripePaymentIntent } from './stripe.schemas';

/**
 * Stripe's error body refines the status-based classification:
 * - a card_error (402: card_declined, insufficient_funds, authentication_required …) is a
 *   non-retryable PAYMENT_DECLINED carrying the decline code: Stripe stores the answer under the
 *   idempotency key, so a retry would replay the same decline;
 * - an idempotency_error (the key reused with other parameters) is a CONFLICT;
 * - 424 is a failure of a dependency outside Stripe (a card network): worth retrying;
 * - `Stripe-Should-Retry` overrides retryability when Stripe sends it.
 */
export function describeStripeError(
  connector: string,
  response: VendorErrorResponse,
  classified: ConnectorError,
): ConnectorError {
  const body = stripeErrorBodySchema.safeParse(response.data);
  const apiError = body.success ? body.data.error : undefined;
  const details = {
    status: response.status,
    ...(classified.vendorMessage !== undefined ? { vendorMessage: classified.vendorMessage } : {}),
  };
  if (apiError?.type === 'card_error' || response.status === 402) {
    // The decline code (insufficient_funds, expired_card …) is what a shop tells its customer.
    const reason = apiError?.decline_code ?? apiError?.code;
    const vendorMessage =
      apiError?.message !== undefined && reason ? `${apiError.message} (${reason})` : classified.vendorMessage;
    return new ConnectorError(`${connector}: payment declined`, {
      code: ConnectorErrorCode.PaymentDeclined,
      retryable: false,
      ...details,
      ...(vendorMessage !== undefined ? { vendorMessage } : {}),
    });
  }
  // 400: the key was used with other parameters; a 409 (the first request still running) keeps its status class.
  if (apiError?.type === 'idempotency_error' && response.status === 400) {
    return new ConnectorError(`${connector}: idempotency key reused with other parameters`, {
      code: ConnectorErrorCode.Conflict,
      retryable: false,
      ...details,
    });
  }
  const shouldRetry = response.headers[stripeManifest.rateLimit.shouldRetryHeader.toLowerCase()];
  const retryable =
    shouldRetry === 'true' ? true : shouldRetry === 'false' ? false : response.status === 424 || classified.retryable;
  const code = response.status === 424 ? ConnectorErrorCode.VendorUnavailable : classified.code;
  return new ConnectorError(classified.message, {
    code,
    retryable,
    ...details,
    ...(retryable && classified.retryAfterMs !== undefined ? { retryAfterMs: classified.retryAfterMs } : {}),
  });
}

/** A response body that does not match the pinned API version's schema: a contract break, not a blip. */
export function unexpectedResponse(connector: string, what: string, problem: string): ConnectorError {
  return new ConnectorError(`${connector}: unexpected response to ${what} (${problem})`, {
    code: ConnectorErrorCode.VendorUnavailable,
    retryable: false,
  });
}

/** A payment intent that confirm left short of an authorization (it needs the customer, or a new card). */
export function notAuthorized(connector: string, intent: StripePaymentIntent): ConnectorError {
  const vendorMessage = intent.last_payment_error?.message ?? `PaymentIntent is ${intent.status}`;
  if (intent.status === 'requires_action' || intent.status === 'requires_payment_method') {
    return new ConnectorError(`${connector}: payment ${intent.id} was not authorized (${intent.status})`, {
      code: ConnectorErrorCode.PaymentDeclined,
      retryable: false,
      vendorMessage,
    });
  }
  return new ConnectorError(`${connector}: payment ${intent.id} is ${intent.status}`, {
    code: ConnectorErrorCode.Conflict,
    retryable: false,
    vendorMessage,
  });
}

export function conflict(connector: string, vendorMessage: string): ConnectorError {
  return new ConnectorError(`${connector}: ${vendorMessage}`, {
    code: ConnectorErrorCode.Conflict,
    retryable: false,
    vendorMessage,
  });
}

export function invalidInput(connector: string, vendorMessage: string): ConnectorError {
  return new ConnectorError(`${connector}: invalid input`, {
    code: ConnectorErrorCode.InvalidRequest,
    retryable: false,
    vendorMessage,
  });
}
