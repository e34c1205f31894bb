import { ApplicationFailure } from '@temporalio/common';
import { isConnectorError } from '../connectors/connector-error';

/**
 * Runs one connector call and translates its ConnectorError into the Temporal failure the
 * retry policy understands: non-retryable for business refusals, validation and auth; retryable
 * otherwise, with the vendor's Retry-After as the next retry delay. Unknown errors propagate
 * unchanged (they retry, and show their stack in the Web UI).
 */
export async function callConnector<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!isConnectorError(error)) throw error;
    throw ApplicationFailure.create({
      message: error.vendorMessage ? `${error.message}: ${error.vendorMessage}` : error.message,
      type: error.code,
      nonRetryable: !error.retryable,
      details: [error.toDetails()],
      ...(error.retryable && error.retryAfterMs !== undefined ? { nextRetryDelay: error.retryAfterMs } : {}),
    });
  }
}
