import { ConnectorError } from '../../connector-error';
import { destinationRefused, findDestinationRefusal } from '../../egress/destination-refused';
import { ConnectorErrorCode } from '../../connector-error-codes';
import { plainText } from '../../http/plain-text';

/** The fields nodemailer puts on its errors. */
interface SmtpFailure {
  code?: unknown;
  responseCode?: unknown;
  response?: unknown;
  command?: unknown;
}

const AUTH_REPLY_CODES = new Set([530, 534, 535]);
const NETWORK_CODES = new Set([
  'ECONNECTION',
  'ESOCKET',
  'EDNS',
  'ETLS',
  'EPROTOCOL',
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'EPIPE',
]);
/** Problems with the message itself: sending it again changes nothing. */
const MESSAGE_CODES = new Set(['EENVELOPE', 'EMESSAGE', 'ESTREAM', 'EREQUIRETLS']);
const MAX_MESSAGE = 500;

/** Server replies are the server's text (a banner, an HTML page on a wrong port): plain and bounded. */
function shorten(text: string): string | undefined {
  return plainText(text, MAX_MESSAGE);
}

/**
 * Maps a nodemailer failure to a ConnectorError, or undefined when it is not an SMTP failure
 * (the caller rethrows those unchanged). SMTP reply codes decide first: 4xx is the server's
 * "try again later", 5xx a permanent refusal (RFC 5321 §4.2.1).
 */
export function classifySmtpError(error: unknown, connector: string): ConnectorError | undefined {
  if (!(error instanceof Error)) return undefined;
  // The egress guard refused the relay before connecting (smtp-socket.ts).
  const refusal = findDestinationRefusal(error);
  if (refusal) return destinationRefused(connector, refusal);
  const { code, responseCode, response, command } = error as Error & SmtpFailure;
  const reply = typeof responseCode === 'number' ? responseCode : undefined;
  const errorCode = typeof code === 'string' ? code : undefined;
  const vendorMessage = typeof response === 'string' ? shorten(response) : undefined;
  const details = {
    ...(reply !== undefined ? { status: reply } : {}),
    ...(vendorMessage !== undefined ? { vendorMessage } : {}),
  };
  const during = typeof command === 'string' ? ` during ${command}` : '';

  if (reply !== undefined && reply >= 400 && reply < 500) {
    return new ConnectorError(`${connector}: SMTP server deferred the message${during}`, {
      code: ConnectorErrorCode.VendorUnavailable,
      retryable: true,
      ...details,
    });
  }
  if (errorCode === 'EAUTH' || (reply !== undefined && AUTH_REPLY_CODES.has(reply))) {
    return new ConnectorError(`${connector}: SMTP authentication failed`, {
      code: ConnectorErrorCode.Unauthorized,
      retryable: false,
      ...details,
    });
  }
  if (reply !== undefined && reply >= 500) {
    return new ConnectorError(`${connector}: SMTP server refused the message${during}`, {
      code: ConnectorErrorCode.InvalidRequest,
      retryable: false,
      ...details,
    });
  }
  if (errorCode === 'ETIMEDOUT') {
    return new ConnectorError(`${connector}: SMTP server timed out${during}`, {
      code: ConnectorErrorCode.Timeout,
      retryable: true,
      ...details,
    });
  }
  if (errorCode !== undefined && NETWORK_CODES.has(errorCode)) {
    return new ConnectorError(`${connector}: SMTP connection failed (${errorCode})`, {
      code: ConnectorErrorCode.Network,
      retryable: true,
      ...details,
    });
  }
  if (errorCode !== undefined && MESSAGE_CODES.has(errorCode)) {
    const described = shorten(error.message);
    return new ConnectorError(`${connector}: message rejected (${errorCode})`, {
      code: ConnectorErrorCode.InvalidRequest,
      retryable: false,
      ...(described !== undefined ? { vendorMessage: described } : {}),
      ...details,
    });
  }
  return undefined;
}
