/**
 * The connection of every SMTP session, through nodemailer's `getSocket` hook: the relay's
 * address passes the egress policy (connectors/egress) before anything is sent, on the address
 * actually connected to. nodemailer is handed a connected plain socket and does the rest itself:
 * STARTTLS, or for smtps:// the TLS handshake with `servername` = the configured host, so the
 * certificate is still checked against the name.
 */
import { connect, type Socket } from 'node:net';
import { normalHost } from '../../egress/allow-list';
import { checkLiteral, guardedLookup } from '../../egress/guarded-lookup';

/** What nodemailer passes to getSocket: its options after the URL's were applied. */
export interface SmtpSocketRequest {
  host?: string;
  port?: number | string;
  secure?: boolean;
  connectionTimeout?: number;
}

export type SmtpSocketCallback = (error: Error | null, socketOptions?: { connection: Socket }) => void;

const DEFAULT_CONNECTION_TIMEOUT_MS = 10_000;

/** nodemailer's own defaults (lib/smtp-connection): localhost, port 465 when secure, else 587. */
export function smtpDestination(request: SmtpSocketRequest): { host: string; port: number } {
  const host = normalHost(request.host || 'localhost');
  return { host, port: Number(request.port) || (request.secure ? 465 : 587) };
}

/** A nodemailer `getSocket`: connects to the relay only when the egress policy allows it. */
export function guardedSmtpSocket(request: SmtpSocketRequest, callback: SmtpSocketCallback): void {
  const { host, port } = smtpDestination(request);
  const refusal = checkLiteral(host, port);
  if (refusal) return void setImmediate(() => callback(refusal));
  const socket = connect({ host, port, lookup: guardedLookup(port) });
  let settled = false;
  const settle = (error: Error | null) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    socket.removeListener('error', settle);
    if (error) {
      socket.destroy();
      callback(error);
    } else callback(null, { connection: socket });
  };
  const timer = setTimeout(
    () => settle(Object.assign(new Error('Connection timeout'), { code: 'ETIMEDOUT' })),
    request.connectionTimeout ?? DEFAULT_CONNECTION_TIMEOUT_MS,
  );
  socket.once('connect', () => settle(null));
  socket.once('error', settle);
}
