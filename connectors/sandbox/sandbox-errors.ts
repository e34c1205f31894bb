import { ConnectorError } from '../connector-error';
import { ConnectorErrorCode } from '../connector-error-codes';

/** The refusals a real vendor would answer with 4xx; the sandbox raises them the same way. */
export { invalidRequest } from '../connector-error';

export function notFound(instance: string, what: string, id: string): ConnectorError {
  return new ConnectorError(`${instance}: ${what} not found`, {
    code: ConnectorErrorCode.NotFound,
    status: 404,
    vendorMessage: `No such ${what}: ${id}`,
  });
}

export function conflict(instance: string, vendorMessage: string): ConnectorError {
  return new ConnectorError(`${instance}: conflict`, { code: ConnectorErrorCode.Conflict, status: 409, vendorMessage });
}

export function paymentDeclined(instance: string): ConnectorError {
  return new ConnectorError(`${instance}: payment declined`, {
    code: ConnectorErrorCode.PaymentDeclined,
    status: 402,
    vendorMessage: 'Your card was declined.',
  });
}
