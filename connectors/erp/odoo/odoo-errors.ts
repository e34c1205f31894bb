/**
 * Odoo JSON-RPC errors → ConnectorError. Odoo answers HTTP 200 with
 * `{ error: { code, message: 'Odoo Server Error', data: { name, message, debug } } }`, where
 * `data.name` is the Python exception class; `data.message` is what a user would be shown.
 */
import { ConnectorError } from '../../connector-error';
import { ConnectorErrorCode } from '../../connector-error-codes';
import type { OdooRpcError } from './odoo.schemas';

interface ErrorClass {
  code: ConnectorErrorCode;
  retryable: boolean;
}

const unauthorized = { code: ConnectorErrorCode.Unauthorized, retryable: false };
const invalid = { code: ConnectorErrorCode.InvalidRequest, retryable: false };
const transient = { code: ConnectorErrorCode.VendorUnavailable, retryable: true };

/** Exception class → error class, as data. */
const BY_EXCEPTION: Readonly<Record<string, ErrorClass>> = {
  'odoo.exceptions.AccessDenied': unauthorized,
  'odoo.http.SessionExpiredException': unauthorized,
  'odoo.exceptions.AccessError': { code: ConnectorErrorCode.Forbidden, retryable: false },
  'odoo.exceptions.MissingError': { code: ConnectorErrorCode.NotFound, retryable: false },
  'odoo.exceptions.ValidationError': invalid,
  'odoo.exceptions.UserError': invalid,
  'odoo.exceptions.RedirectWarning': invalid,
  // Before Odoo 14 UserError was raised as Warning / except_orm.
  'odoo.exceptions.Warning': invalid,
  'odoo.exceptions.except_orm': invalid,
  // A request Odoo cannot execute as sent (unknown field, model, method or argument): a retry sends it again.
  'builtins.ValueError': invalid,
  'builtins.KeyError': invalid,
  'builtins.TypeError': invalid,
  'builtins.AttributeError': invalid,
  'werkzeug.exceptions.BadRequest': invalid,
  'werkzeug.exceptions.NotFound': { code: ConnectorErrorCode.Misconfigured, retryable: false },
  // Constraint violations (Odoo 14+ reports most of them as ValidationError already).
  'psycopg2.IntegrityError': invalid,
  'psycopg2.errors.UniqueViolation': invalid,
  'psycopg2.errors.ForeignKeyViolation': invalid,
  'psycopg2.errors.NotNullViolation': invalid,
  'psycopg2.errors.CheckViolation': invalid,
  // Concurrent updates and lock timeouts: Odoo's own RPC layer retries these too.
  'psycopg2.errors.SerializationFailure': transient,
  'psycopg2.errors.LockNotAvailable': transient,
  'psycopg2.errors.DeadlockDetected': transient,
  'psycopg2.OperationalError': transient,
};

/**
 * The ConnectorError for an Odoo JSON-RPC error. Unknown exception classes (an addon's bug, a
 * server restart mid-call) are retryable: the activity's retry policy bounds them.
 */
export function odooRpcError(error: OdooRpcError, instance: string, what: string): ConnectorError {
  const exception = error.data?.name ?? '';
  const known = BY_EXCEPTION[exception];
  const errorClass =
    known ?? (exception.startsWith('psycopg2.') ? transient : error.code === 100 ? unauthorized : transient);
  const vendorMessage = (error.data?.message ?? error.message).trim() || error.message;
  return new ConnectorError(`${instance}: Odoo refused ${what}${exception ? ` (${exception})` : ''}`, {
    ...errorClass,
    vendorMessage,
  });
}

export function odooNotFound(instance: string, what: string, id: string): ConnectorError {
  return new ConnectorError(`${instance}: ${what} not found`, {
    code: ConnectorErrorCode.NotFound,
    status: 404,
    vendorMessage: `No such ${what}: ${id}`,
  });
}

export function odooInvalid(instance: string, vendorMessage: string): ConnectorError {
  return new ConnectorError(`${instance}: invalid request`, {
    code: ConnectorErrorCode.InvalidRequest,
    status: 400,
    vendorMessage,
  });
}

export function odooConflict(instance: string, vendorMessage: string): ConnectorError {
  return new ConnectorError(`${instance}: conflict`, { code: ConnectorErrorCode.Conflict, status: 409, vendorMessage });
}

export function odooUnexpected(instance: string, what: string, detail: string): ConnectorError {
  return new ConnectorError(`${instance}: unexpected Odoo response to ${what}`, {
    code: ConnectorErrorCode.VendorUnavailable,
    vendorMessage: detail,
  });
}

/** Our string ids → Odoo's integer ids; anything else cannot exist there. */
export function odooId(id: string, instance: string, what: string): number {
  if (!/^[1-9]\d{0,15}$/.test(id)) throw odooNotFound(instance, what, id);
  return Number(id);
}
