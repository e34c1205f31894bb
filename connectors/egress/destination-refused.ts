/**
 * The error of a connection the egress guard refused. It is raised before any packet leaves, so
 * its message is the same whether something listens on the destination or not: an API caller
 * learns nothing about which ports are open. The HTTP layer and the SMTP connector turn it into
 * a DESTINATION_REFUSED ConnectorError (never retried: only the operator's configuration can
 * change the answer).
 */
import { ConnectorError } from '../connector-error';
import { ConnectorErrorCode } from '../connector-error-codes';

/** Node-style error code, so code-based classifiers (axios, nodemailer) keep it apart from network errors. */
export const DESTINATION_REFUSED_CODE = 'EDESTINATIONREFUSED';

export const HOW_TO_ALLOW = 'the operator can allow it in CONNECTOR_EGRESS_ALLOW or connectors.yaml egress.allow';

/** `host:port`, with an IPv6 address in brackets. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export class DestinationRefusedError extends Error {
  readonly code = DESTINATION_REFUSED_CODE;

  constructor(
    readonly host: string,
    readonly port: number,
    /** Why, without the resolved address (`it resolves to a private address`). */
    readonly reason: string,
  ) {
    super(`connection to ${hostPort(host, port)} refused: ${reason}; ${HOW_TO_ALLOW}`);
    this.name = 'DestinationRefusedError';
  }
}

/** The refusal inside an error as axios, Node's happy eyeballs or nodemailer wrap it. */
export function findDestinationRefusal(error: unknown): DestinationRefusedError | undefined {
  const visit = (value: unknown, depth: number): DestinationRefusedError | undefined => {
    if (value instanceof DestinationRefusedError) return value;
    if (depth > 3 || value === null || typeof value !== 'object') return undefined;
    const parts = (value as { errors?: unknown }).errors;
    if (Array.isArray(parts)) {
      for (const part of parts) {
        const found = visit(part, depth + 1);
        if (found) return found;
      }
    }
    return visit((value as { cause?: unknown }).cause, depth + 1);
  };
  return visit(error, 0);
}

export function destinationRefused(connector: string, refusal: DestinationRefusedError): ConnectorError {
  return new ConnectorError(`${connector}: ${refusal.message}`, {
    code: ConnectorErrorCode.DestinationRefused,
    retryable: false,
  });
}
