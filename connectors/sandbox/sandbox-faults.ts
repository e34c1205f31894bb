/**
 * Injected failures, so demos and tests can make the sandbox behave like a flaky vendor.
 * A fault row names an instance, an operation and an error code; each call of the operation
 * consumes one unit of `remaining` (NULL: fails until cleared). An operation named `<op>:after`
 * fails *after* the write committed: the vendor did the work but the answer was lost, which is
 * what idempotency keys exist for.
 */
import { Op, literal } from 'sequelize';
import type { SandboxModels } from './sandbox.models';
import { ConnectorError } from '../connector-error';
import { ConnectorErrorCode } from '../connector-error-codes';
import type { CrmOperation, ErpOperation, PaymentOperation } from '../spi';

export type SandboxOperation = CrmOperation | ErpOperation | PaymentOperation | 'healthCheck';

export const SANDBOX_OPERATIONS: readonly SandboxOperation[] = [
  'upsertContact',
  'findContactByEmail',
  'getAccount',
  'upsertCompany',
  'createDeal',
  'listContactsChangedSince',
  'upsertCustomer',
  'getStock',
  'createSalesOrder',
  'cancelSalesOrder',
  'createInvoice',
  'listInvoices',
  'createPurchaseOrder',
  'authorize',
  'capture',
  'voidAuthorization',
  'refund',
  'listPayments',
  'healthCheck',
];

export const AFTER_SUFFIX = ':after';

interface FaultShape {
  status?: number;
  retryAfterMs?: number;
  vendorMessage: string;
}

/** How each code looks when a real HTTP vendor produces it, so injected faults are realistic. */
const FAULT_SHAPES: Readonly<Record<ConnectorErrorCode, FaultShape>> = {
  NETWORK: { vendorMessage: 'Connection reset by peer' },
  TIMEOUT: { vendorMessage: 'The vendor did not answer in time' },
  RATE_LIMITED: { status: 429, retryAfterMs: 1000, vendorMessage: 'Too many requests' },
  VENDOR_UNAVAILABLE: { status: 503, vendorMessage: 'Service temporarily unavailable' },
  INVALID_REQUEST: { status: 400, vendorMessage: 'The request was rejected' },
  UNAUTHORIZED: { status: 401, vendorMessage: 'Invalid credentials' },
  FORBIDDEN: { status: 403, vendorMessage: 'Permission denied' },
  NOT_FOUND: { status: 404, vendorMessage: 'Resource not found' },
  CONFLICT: { status: 409, vendorMessage: 'Conflicting state' },
  OUT_OF_STOCK: { status: 409, vendorMessage: 'Insufficient stock' },
  PAYMENT_DECLINED: { status: 402, vendorMessage: 'Your card was declined.' },
  UNSUPPORTED: { status: 501, vendorMessage: 'Operation not supported' },
  CONNECTOR_MISCONFIGURED: { vendorMessage: 'Connector misconfigured' },
  DESTINATION_REFUSED: { vendorMessage: 'Destination refused by the egress allow-list' },
};

export function isConnectorErrorCode(code: string): code is ConnectorErrorCode {
  return Object.prototype.hasOwnProperty.call(FAULT_SHAPES, code);
}

export function faultError(instance: string, operation: string, code: ConnectorErrorCode): ConnectorError {
  const shape = FAULT_SHAPES[code];
  return new ConnectorError(`${instance}: injected ${code} on ${operation}`, { code, ...shape });
}

/** Throws the oldest active fault for (instance, operation), consuming one unit; returns when none applies. */
export async function consumeSandboxFault(models: SandboxModels, instance: string, operation: string): Promise<void> {
  const faults = await models.SandboxFault.findAll({ where: { instance, operation }, order: [['id', 'ASC']] });
  for (const fault of faults) {
    // Rows written by hand with a typo still fail the call, as the most ordinary vendor failure.
    const code = isConnectorErrorCode(fault.code) ? fault.code : ConnectorErrorCode.VendorUnavailable;
    if (fault.remaining === null) throw faultError(instance, operation, code);
    // Conditional decrement: of two concurrent calls racing for the last unit, exactly one wins.
    const [claimed] = await models.SandboxFault.update(
      { remaining: literal('remaining - 1') },
      { where: { id: fault.id, remaining: { [Op.gt]: 0 } } },
    );
    if (claimed === 1) {
      await models.SandboxFault.destroy({ where: { id: fault.id, remaining: { [Op.lte]: 0 } } });
      throw faultError(instance, operation, code);
    }
  }
}

/** Runs one sandbox operation between its "before" and "after" fault checks. */
export async function withSandboxFaults<T>(
  models: SandboxModels,
  instance: string,
  operation: SandboxOperation,
  call: () => Promise<T>,
): Promise<T> {
  await consumeSandboxFault(models, instance, operation);
  const result = await call();
  await consumeSandboxFault(models, instance, `${operation}${AFTER_SUFFIX}`);
  return result;
}
